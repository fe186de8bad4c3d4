"""Video retrieval recall: is a video of the query's class among its k nearest?"""
from typing import Dict, Sequence

import torch
import torch.nn.functional as F


def retrieval_recall(query: torch.Tensor, query_labels: torch.Tensor,
                     gallery: torch.Tensor, gallery_labels: torch.Tensor,
                     topk: Sequence[int] = (1, 5, 10, 20, 50)) -> Dict[str, float]:
    """R@k of ``query`` against ``gallery`` by cosine similarity.

    A query is a hit at k if one of the k gallery videos most similar to it has
    its class; R@k is the percentage of hits (Xu et al., 2019's protocol).

    Args:
        query, gallery: ``(Q, D)`` and ``(G, D)`` features.
        query_labels, gallery_labels: ``(Q,)`` and ``(G,)`` class indices.
        topk: the k's; one larger than G counts the whole gallery.

    Returns:
        ``{'R@k': percentage}`` for each k.
    """
    similarity = F.normalize(query.float(), dim=1) @ \
        F.normalize(gallery.float(), dim=1).T
    nearest = similarity.topk(min(max(topk), len(gallery)), dim=1).indices
    hits = gallery_labels[nearest] == query_labels[:, None]
    return {f'R@{k}': hits[:, :k].any(dim=1).float().mean().item() * 100
            for k in topk}
