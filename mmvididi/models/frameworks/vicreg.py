"""VICReg: invariance, variance and covariance terms between the branches."""
from typing import Dict

import torch
from mmaction.registry import MODELS

from mmvididi.models.frameworks.base import (BaseFramework, Embed,
                                             loss_in_float32)
from mmvididi.models.frameworks.gather import gather_batch
from mmvididi.models.losses import vicreg_loss


@MODELS.register_module()
class VICReg(BaseFramework):
    """VICReg (Bardes et al., 2022) between the two branches of a pair.

    Args:
        invariance_weight, variance_weight, covariance_weight: lambda, mu, nu.
            Defaults to 25, 25, 1 (the paper's).
        bn_per_branch: see :class:`BaseFramework`.
    """

    def __init__(self, invariance_weight: float = 25.0,
                 variance_weight: float = 25.0, covariance_weight: float = 1.0,
                 bn_per_branch: bool = False, init_cfg=None) -> None:
        super().__init__(bn_per_branch=bn_per_branch, init_cfg=init_cfg)
        self.weights = dict(invariance_weight=invariance_weight,
                            variance_weight=variance_weight,
                            covariance_weight=covariance_weight)

    def loss(self, embed: Embed, clips_a: torch.Tensor,
             clips_b: torch.Tensor) -> Dict[str, torch.Tensor]:
        z_a, z_b = self.embed_pair(embed, clips_a, clips_b)
        z_a, z_b = gather_batch(z_a), gather_batch(z_b)
        if z_a.shape[0] < 2:
            raise ValueError(
                'VICReg: the variance of a batch of one video is undefined; '
                'use train_dataloader.batch_size >= 2.')
        return loss_in_float32(vicreg_loss, z_a, z_b, **self.weights)
