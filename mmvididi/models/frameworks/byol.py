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
        bn_per_branch: see :class:`BaseFramework`; here also the predictor's
            and the target network's batches.
    """

    def __init__(self, predictor: dict, base_momentum: float = 0.99,
                 bn_per_branch: bool = False, init_cfg=None) -> None:
        super().__init__(bn_per_branch=bn_per_branch, init_cfg=init_cfg)
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

    def _target_embed(self, clips: torch.Tensor) -> torch.Tensor:
        return self.target.neck(self.target.backbone(clips))

    def loss(self, embed: Embed, clips_a: torch.Tensor,
             clips_b: torch.Tensor) -> Dict[str, torch.Tensor]:
        p_a, p_b = self.embed_pair(lambda c: self.predictor(embed(c)),
                                   clips_a, clips_b)
        with torch.no_grad():
            t_a, t_b = self.embed_pair(self._target_embed, clips_a, clips_b)
        return dict(loss=loss_in_float32(byol_loss, p_a, t_b) +
                    loss_in_float32(byol_loss, p_b, t_a))
