"""SimCLR: NT-Xent between the branches, negatives from the whole batch."""
from typing import Dict, Optional

import torch
from mmaction.registry import MODELS

from mmvididi.models.frameworks.base import (BaseFramework, Embed,
                                             loss_in_float32)
from mmvididi.models.frameworks.gather import gather_batch
from mmvididi.models.losses import nt_xent_loss


@MODELS.register_module()
class SimCLR(BaseFramework):
    """SimCLR (Chen et al., 2020) between the two branches of a pair.

    ``negatives`` (``ViDiDiRecognizer(reversed_negatives=True)``), embedded
    with branch B, join every anchor's negatives.

    Args:
        temperature: tau of NT-Xent. Defaults to 0.1.
        bn_per_branch: see :class:`BaseFramework`.
    """

    accepts_negatives = True

    def __init__(self, temperature: float = 0.1, bn_per_branch: bool = False,
                 init_cfg=None) -> None:
        super().__init__(bn_per_branch=bn_per_branch, init_cfg=init_cfg)
        if temperature <= 0:
            raise ValueError(f'SimCLR: temperature={temperature} must be > 0.')
        self.temperature = temperature

    def loss(self, embed: Embed, clips_a: torch.Tensor, clips_b: torch.Tensor,
             negatives: Optional[torch.Tensor] = None
             ) -> Dict[str, torch.Tensor]:
        extra = 0 if negatives is None else len(negatives)
        if extra:
            clips_b = torch.cat([clips_b, negatives])
        z_a, z_b = self.embed_pair(embed, clips_a, clips_b)
        z_b, z_n = z_b.split([len(z_b) - extra, extra])
        z_a, z_b = gather_batch(z_a), gather_batch(z_b)
        if z_a.shape[0] < 2:
            raise ValueError(
                'SimCLR: a batch of one video has no negatives; use '
                'train_dataloader.batch_size >= 2.')
        if not extra:
            return dict(loss=loss_in_float32(nt_xent_loss, z_a, z_b,
                                             temperature=self.temperature))
        return dict(loss=loss_in_float32(
            lambda a, b, n: nt_xent_loss(a, b, self.temperature, n), z_a, z_b,
            gather_batch(z_n)))
