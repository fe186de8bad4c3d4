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


def metric_results(metric, query, query_labels, gallery, gallery_labels):
    """``metric.compute_metrics`` on features given as tensors."""
    results = [dict(feature=f, label=int(label), role=role)
               for role, features, labels in (
                   ('query', query, query_labels),
                   ('gallery', gallery, gallery_labels))
               for f, label in zip(features, labels)]
    return metric.compute_metrics(results)


def unit_blocks(rng, num: int, blocks: int, width: int) -> torch.Tensor:
    """``(num, blocks * width)`` features of L2-normalised blocks, as
    ``ViDiDiRecognizer.predict`` makes them."""
    parts = torch.from_numpy(rng.normal(size=(num, blocks, width))).float()
    return torch.nn.functional.normalize(parts, dim=2).flatten(1)


def columns(features: torch.Tensor, blocks) -> np.ndarray:
    """The columns of ``blocks`` (slices) of ``features``, side by side."""
    return torch.cat([features[:, block] for block in blocks], dim=1).numpy()


def test_metric_of_one_order_keeps_its_keys():
    from mmvididi.evaluation import VideoRetrievalMetric
    rng = np.random.default_rng(0)
    query, gallery = unit_blocks(rng, 6, 1, 8), unit_blocks(rng, 20, 1, 8)
    q_labels, g_labels = torch.arange(6) % 3, torch.arange(20) % 3
    expected = retrieval_recall(query, q_labels, gallery, g_labels, (1, 5))
    for orders in (None, (0, ), (1, )):
        metric = VideoRetrievalMetric(topk=(1, 5), orders=orders)
        assert metric_results(metric, query, q_labels, gallery,
                              g_labels) == expected  # 'R@1', 'R@5'


@pytest.mark.parametrize('seed', [0, 1])
def test_metric_per_order_matches_a_direct_computation(seed):
    """Each group is scored on its blocks' columns, the concatenation on all:
    the same as slicing the features by hand."""
    from mmvididi.evaluation import VideoRetrievalMetric
    rng = np.random.default_rng(seed)
    width = 5
    query, gallery = unit_blocks(rng, 12, 3, width), unit_blocks(rng, 30, 3, width)
    q_labels = torch.from_numpy(rng.integers(0, 4, 12))
    g_labels = torch.from_numpy(rng.integers(0, 4, 30))
    block = {order: slice(i * width, (i + 1) * width)
             for i, order in enumerate((0, 1, 2))}

    metric = VideoRetrievalMetric(topk=(1, 5, 10), orders=(0, 1, 2))
    got = metric_results(metric, query, q_labels, gallery, g_labels)
    expected = {}
    for name, blocks in (('order0', [block[0]]), ('order1', [block[1]]),
                         ('order2', [block[2]]),
                         ('orders0+1+2', [block[0], block[1], block[2]])):
        for k in (1, 5, 10):
            expected[f'{name}/R@{k}'] = brute_force(
                columns(query, blocks), q_labels.numpy(),
                columns(gallery, blocks), g_labels.numpy(), k)
    assert list(got) == list(expected)  # the groups in this order
    assert got == pytest.approx(expected)

    # groups of the config, in any order inside a group: blocks 2 and 0
    metric = VideoRetrievalMetric(topk=(1, ), orders=(0, 1, 2),
                                  feature_groups=[(2, 0), (1, )])
    got = metric_results(metric, query, q_labels, gallery, g_labels)
    assert list(got) == ['orders0+2/R@1', 'order1/R@1']
    blocks = [block[0], block[2]]
    assert got['orders0+2/R@1'] == pytest.approx(brute_force(
        columns(query, blocks), q_labels.numpy(), columns(gallery, blocks),
        g_labels.numpy(), 1))


def test_metric_reads_the_blocks_in_the_order_of_orders():
    """A hand-built case where the two blocks disagree: block 0 finds the
    class, block 1 does not; with orders=(1, 0) the names swap."""
    from mmvididi.evaluation import VideoRetrievalMetric
    gallery = torch.tensor([[1., 0., 0., 1.], [0., 1., 1., 0.]])
    query = torch.tensor([[1., 0., .8, .6]])
    labels = (torch.tensor([0]), torch.tensor([0, 1]))
    got = metric_results(VideoRetrievalMetric(topk=(1, ), orders=(0, 1)),
                         query, labels[0], gallery, labels[1])
    assert got == {'order0/R@1': 100.0, 'order1/R@1': 0.0,
                   'orders0+1/R@1': 100.0}  # cosine 0.8 against 0.4
    got = metric_results(VideoRetrievalMetric(topk=(1, ), orders=(1, 0)),
                         query, labels[0], gallery, labels[1])
    assert got['order1/R@1'] == 100.0 and got['order0/R@1'] == 0.0
    assert 'orders1+0/R@1' in got


def test_metric_configuration_errors_say_what_to_set():
    from mmvididi.evaluation import VideoRetrievalMetric
    with pytest.raises(ValueError, match='needs a feature of several orders'):
        VideoRetrievalMetric(feature_groups=[(0, )])
    with pytest.raises(ValueError, match=r'feature group \(2,\) must be'):
        VideoRetrievalMetric(orders=(0, 1), feature_groups=[(2, )])
    with pytest.raises(ValueError, match='names a group twice'):
        VideoRetrievalMetric(orders=(0, 1), feature_groups=[(0, 1), (1, 0)])
    with pytest.raises(ValueError, match='orders='):
        VideoRetrievalMetric(orders=(0, 0))
    metric = VideoRetrievalMetric(topk=(1, ), orders=(0, 1))
    odd = torch.ones(2, 5)
    with pytest.raises(ValueError, match="cannot be 2 equal blocks.*"
                       "model's feature_orders"):
        metric_results(metric, odd[:1], torch.tensor([0]), odd, torch.tensor([0, 1]))


def test_metric_checks_the_blocks_the_prediction_names():
    """A prediction that names its blocks (ViDiDiRecognizer's feature_orders
    metainfo) must name the metric's orders; one that does not is read as
    ``orders`` says."""
    from mmvididi.evaluation import VideoRetrievalMetric
    from mmvididi.utils.prediction_fields import (FEATURE_FIELD,
                                                  FEATURE_ORDERS_FIELD)
    sample = {FEATURE_FIELD: torch.ones(4), 'gt_label': torch.tensor(0),
              'retrieval_role': 'query'}
    metric = VideoRetrievalMetric(topk=(1, ), orders=(0, 1))
    metric.process(None, [sample, dict(sample, **{FEATURE_ORDERS_FIELD: (0, 1)})])
    assert len(metric.results) == 2
    with pytest.raises(ValueError, match=r"orders=\(0, 1\)\).*orders \(1, 0\).*"
                       "test_evaluator.orders"):
        metric.process(None, [dict(sample, **{FEATURE_ORDERS_FIELD: (1, 0)})])
    with pytest.raises(ValueError, match=r'orders \(0, 1\)'):
        VideoRetrievalMetric(orders=(0, )).process(
            None, [dict(sample, **{FEATURE_ORDERS_FIELD: (0, 1)})])
    one_block = VideoRetrievalMetric(orders=None)  # the feature as a whole
    one_block.process(None, [dict(sample, **{FEATURE_ORDERS_FIELD: (0, 1)})])
    assert len(one_block.results) == 1
