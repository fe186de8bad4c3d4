"""VideoRetrievalMetric: R@k of query videos among gallery videos, per order."""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric

from mmvididi.derivatives import check_orders
from mmvididi.evaluation.retrieval import retrieval_recall
from mmvididi.utils.prediction_fields import (FEATURE_FIELD,
                                              FEATURE_ORDERS_FIELD,
                                              RETRIEVAL_ROLE_FIELD,
                                              RETRIEVAL_ROLES)


def feature_group_name(orders: Sequence[int]) -> str:
    """The name of a feature group in the metric's keys: ``'order0'`` for one
    order, ``'orders0+1'`` for several (the concatenation of their blocks)."""
    orders = tuple(orders)
    if len(orders) == 1:
        return f'order{orders[0]}'
    return 'orders' + '+'.join(str(order) for order in orders)


@METRICS.register_module()
class VideoRetrievalMetric(BaseMetric):
    """Video retrieval by class (Xu et al., 2019): for each query video, is a
    gallery video of its class among its k nearest by cosine similarity?

    Reads ``feature``, ``gt_label`` and ``retrieval_role`` (``'query'`` or
    ``'gallery'``, from ``VideoRetrievalDataset``) of each prediction.

    The feature's layout is named by ``orders``: it must be the model's
    ``feature_orders`` (a prediction that names its blocks, as
    ``ViDiDiRecognizer``'s ``feature_orders`` metainfo does, is checked
    against it). ``ViDiDiRecognizer.predict`` gives a video one
    L2-normalised block of pooled backbone features per order of
    ``feature_orders``, all of one width, concatenated in that order; the
    metric splits the feature into ``len(orders)`` equal blocks accordingly.

    Keys (with the default prefix ``retrieval``):

    - one order (``orders=None`` or a single order): ``retrieval/R@1``,
      ``retrieval/R@5``, ...: the whole feature, as for any single feature;
    - several orders: one set of keys per feature group, named by
      :func:`feature_group_name`: with ``orders=(0, 1)`` and the default
      groups, ``retrieval/order0/R@1`` (frames), ``retrieval/order1/R@1``
      (first derivative) and ``retrieval/orders0+1/R@1`` (both blocks
      concatenated, so each order weighs the same), and so on for every k.

    Args:
        topk: the k's of R@k. Defaults to (1, 5, 10, 20, 50).
        orders: the feature's blocks, one per order: the model's
            ``feature_orders``. ``None``: the feature is one block.
        feature_groups: the groups of ``orders`` to score, each by the
            concatenation of its blocks; only with several ``orders``.
            Defaults to each order alone, then all of them together.
    """

    default_prefix = 'retrieval'

    def __init__(self, topk: Sequence[int] = (1, 5, 10, 20, 50),
                 orders: Optional[Sequence[int]] = None,
                 feature_groups: Optional[Sequence[Sequence[int]]] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.topk = tuple(topk)
        self.orders = None if orders is None else check_orders(
            orders, 'VideoRetrievalMetric')
        self.feature_groups = self._check_groups(feature_groups)

    def _check_groups(self, groups) -> List[Tuple[int, ...]]:
        """Each group as a tuple of orders in the feature's block order."""
        several = self.orders is not None and len(self.orders) > 1
        if groups is None:
            if not several:
                return []
            return [(order, ) for order in self.orders] + [self.orders]
        if not several:
            raise ValueError(
                f'VideoRetrievalMetric: feature_groups={groups} needs a feature '
                f'of several orders, but orders={self.orders}; set orders to '
                "the model's feature_orders, e.g. orders=(0, 1).")
        checked = []
        for group in groups:
            group = tuple(group)
            unknown = set(group) - set(self.orders)
            if not group or unknown or len(set(group)) != len(group):
                raise ValueError(
                    f'VideoRetrievalMetric: feature group {group} must be '
                    f'distinct orders among orders={self.orders}.')
            checked.append(tuple(o for o in self.orders if o in group))
        if len(set(checked)) != len(checked):
            raise ValueError(f'VideoRetrievalMetric: feature_groups={groups} '
                             'names a group twice.')
        return checked

    @staticmethod
    def result_of(sample: dict) -> dict:
        """What :meth:`compute_metrics` takes of one prediction (a packed
        sample, or a ``tools/test.py --dump`` entry): its feature, label and
        retrieval role."""
        return dict(feature=torch.as_tensor(sample[FEATURE_FIELD]).cpu(),
                    label=int(sample['gt_label']),
                    role=sample[RETRIEVAL_ROLE_FIELD])

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            self._check_feature_orders(sample.get(FEATURE_ORDERS_FIELD))
            self.results.append(self.result_of(sample))

    def _check_feature_orders(self, declared: Optional[Sequence[int]]) -> None:
        """The prediction's named blocks are the metric's ``orders``."""
        if declared is None or self.orders is None or \
                tuple(declared) == self.orders:
            return
        raise ValueError(
            f'VideoRetrievalMetric(orders={self.orders}): the model gives '
            f'features of orders {tuple(declared)} (its feature_orders), so '
            'the recalls would be named after the wrong blocks; set '
            'test_evaluator.orders to the model\'s feature_orders (or '
            'model.feature_orders to the metric\'s orders).')

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        split = {role: [r for r in results if r['role'] == role]
                 for role in RETRIEVAL_ROLES}
        empty = [role for role, part in split.items() if not part]
        if empty:
            raise ValueError(
                f'VideoRetrievalMetric: no {" or ".join(empty)} videos; test '
                'on a VideoRetrievalDataset with PackActionInputs(meta_keys=('
                f"..., '{RETRIEVAL_ROLE_FIELD}')).")
        (query, query_labels), (gallery, gallery_labels) = (
            (torch.stack([r['feature'] for r in split[role]]),
             torch.tensor([r['label'] for r in split[role]]))
            for role in RETRIEVAL_ROLES)
        if not self.feature_groups:
            return retrieval_recall(query, query_labels, gallery,
                                    gallery_labels, self.topk)
        metrics = {}
        for group in self.feature_groups:
            columns = self.group_columns(group, query.shape[1])
            recall = retrieval_recall(query[:, columns], query_labels,
                                      gallery[:, columns], gallery_labels,
                                      self.topk)
            name = feature_group_name(group)
            metrics.update({f'{name}/{k}': v for k, v in recall.items()})
        return metrics

    def group_columns(self, group: Sequence[int], width: int) -> torch.Tensor:
        """Indices of the feature columns of ``group``'s blocks, for a
        feature of ``width`` columns laid out by ``orders``."""
        blocks = len(self.orders)
        if width % blocks:
            raise ValueError(
                f'VideoRetrievalMetric: a feature of {width} values cannot be '
                f'{blocks} equal blocks for orders={self.orders}; set the '
                "metric's orders to the model's feature_orders.")
        block = width // blocks
        return torch.cat([torch.arange(block) + self.orders.index(o) * block
                          for o in group])
