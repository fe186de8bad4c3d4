"""BYOL: an online predictor regresses an EMA target network's projection."""
import copy
from typing import Dict

import torch
from mmaction.registry import MODELS
from torch import nn

from mmvididi.models.frameworks.base import (BaseFramework, Embed,
                                             loss_in_float32)
from mmvididi.models.losses import byol_loss


@MODELS.register_module()
class BYOL(BaseFramework):
    """BYOL (Grill et al., 2020) between the two branches of a pair, symmetrised.

    The target network is an exponential moving average of the online encoder
    (backbone + projector): ``target <- m * target + (1 - m) * online`` before
    every step. ``TargetMomentumHook`` raises ``momentum`` from
    ``base_momentum`` to 1 on a cosine over training.

    Args:
        predictor: config of the online predictor (an ``MLPProjector``).
        base_momentum: m at the start of training. Defaults to 0.99.
    """

    def __init__(self, predictor: dict, base_momentum: float = 0.99,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if not 0 <= base_momentum <= 1:
            raise ValueError(f'BYOL: base_momentum={base_momentum} must be in '
                             '[0, 1].')
        self.predictor = MODELS.build(predictor)
        self.base_momentum = base_momentum
        self.momentum = base_momentum
        self.target = None

    def setup(self, backbone: nn.Module, neck: nn.Module) -> None:
        projected = neck.mlp[-1].out_features if hasattr(neck, 'mlp') else None
        wanted = getattr(self.predictor, 'in_channels', projected)
        if projected is not None and wanted != projected:
            raise ValueError(
                f'model.framework.predictor.in_channels={wanted}, but the '
                f'projector gives {projected}; set it to {projected} (and its '
                f'out_channels to {projected}).')
        self.target = nn.ModuleDict(dict(backbone=copy.deepcopy(backbone),
                                         neck=copy.deepcopy(neck)))
        self.target.requires_grad_(False)

    @torch.no_grad()
    def before_step(self, backbone: nn.Module, neck: nn.Module) -> None:
        online = nn.ModuleDict(dict(backbone=backbone, neck=neck))
        for target, source in zip(self.target.parameters(), online.parameters()):
            target.mul_(self.momentum).add_(source.detach(),
                                            alpha=1 - self.momentum)
        for target, source in zip(self.target.buffers(), online.buffers()):
            target.copy_(source)

    def loss(self, embed: Embed, clips_a: torch.Tensor,
             clips_b: torch.Tensor) -> Dict[str, torch.Tensor]:
        clips = torch.cat([clips_a, clips_b])
        p_a, p_b = self.predictor(embed(clips)).chunk(2)
        with torch.no_grad():
            t_a, t_b = self.target.neck(self.target.backbone(clips)).chunk(2)
        return dict(loss=loss_in_float32(byol_loss, p_a, t_b) +
                    loss_in_float32(byol_loss, p_b, t_a))
