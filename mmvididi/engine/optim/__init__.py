from mmvididi.engine.optim.skip_non_finite_optim_wrapper import (
    SkipNonFiniteAmpOptimWrapper, SkipNonFiniteMixin,
    SkipNonFiniteOptimWrapper)

__all__ = ['SkipNonFiniteAmpOptimWrapper', 'SkipNonFiniteMixin',
           'SkipNonFiniteOptimWrapper']
