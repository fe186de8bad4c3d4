"""The BYOL regression loss (Grill et al., 2020, eq. 2)."""
import torch
import torch.nn.functional as F


def byol_loss(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared distance of L2-normalised vectors: ``2 - 2 cos(p, z)``.

    Args:
        prediction: ``(N, D)`` online predictions q(z_online).
        target: ``(N, D)`` target projections (no gradient flows into them).

    Returns:
        Scalar loss in [0, 4].
    """
    cosine = F.cosine_similarity(prediction, target.detach(), dim=1)
    return (2 - 2 * cosine).mean()
