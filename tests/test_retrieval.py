"""Retrieval recall against a brute-force reference."""
import numpy as np
import pytest
import torch

from mmvididi.evaluation import retrieval_recall


def brute_force(query, query_labels, gallery, gallery_labels, k) -> float:
    hits = 0
    for q, label in zip(query, query_labels):
        sims = [float(np.dot(q, g) / np.linalg.norm(q) / np.linalg.norm(g))
                for g in gallery]
        nearest = sorted(range(len(gallery)), key=lambda i: -sims[i])[:k]
        hits += any(gallery_labels[i] == label for i in nearest)
    return 100 * hits / len(query)


@pytest.mark.parametrize('seed', [0, 1])
def test_recall_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    gallery = rng.normal(size=(40, 6)).astype(np.float32)
    query = rng.normal(size=(15, 6)).astype(np.float32)
    g_labels, q_labels = rng.integers(0, 5, 40), rng.integers(0, 5, 15)
    got = retrieval_recall(*(torch.from_numpy(x) for x in
                             (query, q_labels, gallery, g_labels)),
                           topk=(1, 5, 10, 50))
    for k in (1, 5, 10, 50):
        assert got[f'R@{k}'] == pytest.approx(
            brute_force(query, q_labels, gallery, g_labels, k))
    assert got['R@50'] == 100.0  # k beyond the gallery: all of it


def test_recall_on_a_hand_built_case():
    gallery = torch.tensor([[1., 0.], [0., 1.], [-1., 0.]])
    query = torch.tensor([[0.9, 0.1], [0.1, 0.9]])
    recall = retrieval_recall(query, torch.tensor([2, 1]), gallery,
                              torch.tensor([0, 1, 2]), topk=(1, 2, 3))
    # query 0's nearest is class 0 (miss), class 2 comes third; query 1 hits
    assert recall == {'R@1': 50.0, 'R@2': 50.0, 'R@3': 100.0}
