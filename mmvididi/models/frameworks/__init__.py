from mmvididi.models.frameworks.base import BaseFramework
from mmvididi.models.frameworks.byol import BYOL
from mmvididi.models.frameworks.simclr import SimCLR
from mmvididi.models.frameworks.vicreg import VICReg

__all__ = ['BaseFramework', 'BYOL', 'SimCLR', 'VICReg']
