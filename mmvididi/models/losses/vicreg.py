"""The VICReg loss (Bardes, Ponce and LeCun, 2022, eqs. 1-6)."""
from typing import Dict

import torch
import torch.nn.functional as F


def _variance_term(z: torch.Tensor, eps: float) -> torch.Tensor:
    """mean_j relu(1 - sqrt(Var(z_j) + eps)), the hinge on each dimension's std."""
    std = torch.sqrt(z.var(dim=0) + eps)
    return F.relu(1 - std).mean()


def _covariance_term(z: torch.Tensor) -> torch.Tensor:
    """sum_{i != j} C(z)_ij^2 / D, the off-diagonal covariance penalty."""
    num, dim = z.shape
    z = z - z.mean(dim=0)
    cov = z.T @ z / (num - 1)
    off_diagonal = cov - torch.diag(torch.diag(cov))
    return off_diagonal.pow(2).sum() / dim


def vicreg_loss(z_a: torch.Tensor, z_b: torch.Tensor,
                invariance_weight: float = 25.0, variance_weight: float = 25.0,
                covariance_weight: float = 1.0,
                eps: float = 1e-4) -> Dict[str, torch.Tensor]:
    """Invariance, variance and covariance terms of two batches of embeddings.

        loss = lambda * mse(z_a, z_b)
             + mu * (v(z_a) + v(z_b)) / 2
             + nu * (c(z_a) + c(z_b))

    Args:
        z_a, z_b: ``(N, D)`` embeddings, N >= 2; row n of both is one video.
        invariance_weight, variance_weight, covariance_weight: lambda, mu, nu
            (25, 25 and 1 in the paper).
        eps: added to the variance before its square root.

    Returns:
        ``loss`` (the weighted sum) and the unweighted ``invariance``,
        ``variance`` and ``covariance`` terms.
    """
    invariance = F.mse_loss(z_a, z_b)
    variance = (_variance_term(z_a, eps) + _variance_term(z_b, eps)) / 2
    covariance = _covariance_term(z_a) + _covariance_term(z_b)
    loss = (invariance_weight * invariance + variance_weight * variance +
            covariance_weight * covariance)
    return dict(loss=loss, invariance=invariance, variance=variance,
                covariance=covariance)
