"""Independent reference computations the tests compare against."""
from math import comb

import numpy as np


def binomial_reference(clip: np.ndarray, order: int, num_frames: int) -> np.ndarray:
    """Order n at t: sum_k (-1)**(n-k) C(n,k) x[t+k], in int64, frame by frame."""
    return np.stack([
        sum((-1)**(order - k) * comb(order, k) * clip[t + k].astype(np.int64)
            for k in range(order + 1)) for t in range(num_frames)
    ])
