"""What a ViDiDi framework is: a loss between two branches of one shared encoder."""
from typing import Callable, Dict

import torch
from mmengine.model import BaseModule
from torch import nn

Embed = Callable[[torch.Tensor], torch.Tensor]


class BaseFramework(BaseModule):
    """An instance-discrimination objective between branch A and branch B.

    :class:`ViDiDiRecognizer` calls :meth:`setup` once with its encoder,
    :meth:`before_step` at every training step, and :meth:`loss` once per
    active order pair.
    """

    def setup(self, backbone: nn.Module, neck: nn.Module) -> None:
        """Build what the framework needs of the encoder (e.g. a target net)."""

    def before_step(self, backbone: nn.Module, neck: nn.Module) -> None:
        """Per-step state update (e.g. the EMA of a target network)."""

    def loss(self, embed: Embed, clips_a: torch.Tensor,
             clips_b: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Losses for one order pair.

        Args:
            embed: the online encoder, ``(N, C, T, H, W)`` clips to ``(N, D)``.
            clips_a, clips_b: ``(N, C, T, H, W)`` branch inputs; row n of both
                is one video (view 1 in order a, view 2 in order b).

        Returns:
            ``loss`` (summed into the total) and any terms to log.
        """
        raise NotImplementedError
