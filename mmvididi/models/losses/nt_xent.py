"""NT-Xent, the SimCLR loss (Chen et al., 2020, eq. 1)."""
from typing import Optional

import torch
import torch.nn.functional as F


def nt_xent_loss(z_a: torch.Tensor, z_b: torch.Tensor,
                 temperature: float = 0.1,
                 negatives: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Normalised temperature-scaled cross entropy of two batches of embeddings.

    With z = normalise(cat(z_a, z_b)) (2N x D) and s_ij = z_i . z_j / temperature,
    the anchor i has its positive p(i) (the same video in the other batch) and
    2N - 2 negatives (every other embedding):

        loss = mean_i  -log( exp(s_i,p(i)) / sum_{k != i} exp(s_ik) )

    ``negatives`` (M x D), if given, are M more embeddings that are no
    anchor's positive: the sum over k also runs over them, for every anchor.

    Args:
        z_a, z_b: ``(N, D)`` embeddings; row n of both is one video.
        temperature: tau > 0.
        negatives: ``(M, D)`` embeddings, or None.

    Returns:
        Scalar loss.
    """
    num = z_a.shape[0]
    z = F.normalize(torch.cat([z_a, z_b]), dim=1)
    keys = z if negatives is None else torch.cat(
        [z, F.normalize(negatives, dim=1)])
    logits = z @ keys.T / temperature
    self_mask = torch.eye(2 * num, len(keys), dtype=torch.bool,
                          device=z.device)
    logits = logits.masked_fill(self_mask, float('-inf'))
    positives = torch.arange(2 * num, device=z.device).roll(num)
    return F.cross_entropy(logits, positives)
