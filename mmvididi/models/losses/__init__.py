from mmvididi.models.losses.byol import byol_loss
from mmvididi.models.losses.nt_xent import nt_xent_loss
from mmvididi.models.losses.vicreg import vicreg_loss

__all__ = ['byol_loss', 'nt_xent_loss', 'vicreg_loss']
