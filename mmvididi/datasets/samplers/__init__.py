from mmvididi.datasets.samplers.reproducible_sampler import ReproducibleSampler

__all__ = ['ReproducibleSampler']
