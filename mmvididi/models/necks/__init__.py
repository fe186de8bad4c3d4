from mmvididi.models.necks.mlp_projector import MLPProjector

__all__ = ['MLPProjector']
