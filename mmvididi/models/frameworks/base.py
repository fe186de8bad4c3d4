"""What a ViDiDi framework is: a loss between two branches of one shared encoder."""
from typing import Callable, Dict, Tuple, Union

import torch
from mmengine.model import BaseModule
from torch import nn

Embed = Callable[[torch.Tensor], torch.Tensor]


def loss_in_float32(loss_fn: Callable, *embeddings: torch.Tensor,
                    **kwargs) -> Union[torch.Tensor, Dict[str, torch.Tensor]]:
    """``loss_fn(*embeddings, **kwargs)`` with autocast off and the
    embeddings in float32 at least (float64 stays float64).

    Under mixed precision (``--amp``) the encoder runs in float16, but a loss
    divides similarities by a temperature or squares covariances: in float16
    (11 significant bits) that costs more than rounding, so the loss keeps
    float32's 24 bits.
    """
    with torch.autocast(embeddings[0].device.type, enabled=False):
        return loss_fn(*(z.to(torch.promote_types(z.dtype, torch.float32))
                         for z in embeddings), **kwargs)


class BaseFramework(BaseModule):
    """An instance-discrimination objective between branch A and branch B.

    :class:`ViDiDiRecognizer` calls :meth:`setup` once with its encoder,
    :meth:`before_step` at every training step, and :meth:`loss` once per
    active order pair.

    Args:
        bn_per_branch: embed the two branches of a pair as two batches, so
            that the batch-norm statistics of each are those of one order,
            instead of one batch of both (the default, as the frameworks'
            papers embed their two views). In one batch, the statistics mix
            frames and derivatives: the variance batch norm keeps up can then
            be that between the two orders, and each order's embeddings are
            free to collapse to one point (docs/method.md). Defaults to False.
    """

    #: Whether :meth:`loss` takes ``negatives``: clips that are no video's
    #: positive (``ViDiDiRecognizer(reversed_negatives=True)`` needs it).
    accepts_negatives: bool = False

    def __init__(self, bn_per_branch: bool = False, init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.bn_per_branch = bn_per_branch

    def embed_pair(self, embed: Embed, clips_a: torch.Tensor,
                   clips_b: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """``(embed(clips_a), embed(clips_b))``: in one batch of both
        branches, or in one batch each with :attr:`bn_per_branch`."""
        if self.bn_per_branch:
            return embed(clips_a), embed(clips_b)
        z_a, z_b = embed(torch.cat([clips_a, clips_b])).split(
            [len(clips_a), len(clips_b)])
        return z_a, z_b

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

        A framework that :attr:`accepts_negatives` also takes
        ``negatives``: ``(M, C, T, H, W)`` clips in branch B's order that are
        no video's positive, embedded with branch B.

        Returns:
            ``loss`` (summed into the total) and any terms to log.
        """
        raise NotImplementedError
