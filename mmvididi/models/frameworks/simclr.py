"""SimCLR: NT-Xent between the branches, negatives from the whole batch."""
from typing import Dict

import torch
from mmaction.registry import MODELS

from mmvididi.models.frameworks.base import (BaseFramework, Embed,
                                             loss_in_float32)
from mmvididi.models.frameworks.gather import gather_batch
from mmvididi.models.losses import nt_xent_loss


@MODELS.register_module()
class SimCLR(BaseFramework):
    """SimCLR (Chen et al., 2020) between the two branches of a pair.

    Args:
        temperature: tau of NT-Xent. Defaults to 0.1.
        bn_per_branch: see :class:`BaseFramework`.
    """

    def __init__(self, temperature: float = 0.1, bn_per_branch: bool = False,
                 init_cfg=None) -> None:
        super().__init__(bn_per_branch=bn_per_branch, init_cfg=init_cfg)
        if temperature <= 0:
            raise ValueError(f'SimCLR: temperature={temperature} must be > 0.')
        self.temperature = temperature

    def loss(self, embed: Embed, clips_a: torch.Tensor,
             clips_b: torch.Tensor) -> Dict[str, torch.Tensor]:
        z_a, z_b = self.embed_pair(embed, clips_a, clips_b)
        z_a, z_b = gather_batch(z_a), gather_batch(z_b)
        if z_a.shape[0] < 2:
            raise ValueError(
                'SimCLR: a batch of one video has no negatives; use '
                'train_dataloader.batch_size >= 2.')
        return dict(loss=loss_in_float32(nt_xent_loss, z_a, z_b,
                                         temperature=self.temperature))
