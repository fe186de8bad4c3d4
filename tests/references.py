"""Independent reference computations the tests compare against."""
from math import comb

import numpy as np


def binomial_reference(clip: np.ndarray, order: int, num_frames: int) -> np.ndarray:
    """Order n at t: sum_k (-1)**(n-k) C(n,k) x[t+k], in int64, frame by frame."""
    return np.stack([
        sum((-1)**(order - k) * comb(order, k) * clip[t + k].astype(np.int64)
            for k in range(order + 1)) for t in range(num_frames)
    ])


def nt_xent_reference(z_a: np.ndarray, z_b: np.ndarray, tau: float,
                      negatives: np.ndarray = None) -> float:
    """SimCLR's loss anchor by anchor, in float64, as the paper writes it;
    ``negatives`` (extra embeddings, no anchor's positive) add to every
    anchor's denominator."""
    z = np.concatenate([z_a, z_b]).astype(np.float64)
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    extra = np.zeros((0, z.shape[1])) if negatives is None else \
        negatives.astype(np.float64)
    extra = extra / np.linalg.norm(extra, axis=1, keepdims=True)
    n = len(z_a)
    total = 0.0
    for i in range(2 * n):
        positive = (i + n) % (2 * n)
        numerator = np.exp(z[i] @ z[positive] / tau)
        denominator = sum(np.exp(z[i] @ z[k] / tau) for k in range(2 * n) if k != i)
        denominator += sum(np.exp(z[i] @ e / tau) for e in extra)
        total += -np.log(numerator / denominator)
    return total / (2 * n)


def byol_reference(p: np.ndarray, z: np.ndarray) -> float:
    """Mean squared distance of the unit vectors, ||p/|p| - z/|z| ||^2."""
    p = p / np.linalg.norm(p, axis=1, keepdims=True)
    z = z / np.linalg.norm(z, axis=1, keepdims=True)
    return float(np.mean(np.sum((p - z) ** 2, axis=1)))


def vicreg_reference(z_a: np.ndarray, z_b: np.ndarray, eps: float = 1e-4) -> dict:
    """VICReg's terms with explicit sums over samples and dimensions."""
    z_a, z_b = z_a.astype(np.float64), z_b.astype(np.float64)
    n, d = z_a.shape

    def variance(z):
        hinge = 0.0
        for j in range(d):
            mean = sum(z[i, j] for i in range(n)) / n
            var = sum((z[i, j] - mean) ** 2 for i in range(n)) / (n - 1)
            hinge += max(0.0, 1 - np.sqrt(var + eps))
        return hinge / d

    def covariance(z):
        centred = z - z.mean(axis=0)
        off = 0.0
        for j in range(d):
            for k in range(d):
                if j != k:
                    c = sum(centred[i, j] * centred[i, k] for i in range(n)) / (n - 1)
                    off += c * c
        return off / d

    invariance = float(np.mean((z_a - z_b) ** 2))
    return dict(invariance=invariance,
                variance=(variance(z_a) + variance(z_b)) / 2,
                covariance=covariance(z_a) + covariance(z_b))
