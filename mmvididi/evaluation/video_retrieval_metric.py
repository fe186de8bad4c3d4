"""VideoRetrievalMetric: R@k of query videos among gallery videos."""
from typing import Dict, List, Optional, Sequence

import torch
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric

from mmvididi.evaluation.retrieval import retrieval_recall


@METRICS.register_module()
class VideoRetrievalMetric(BaseMetric):
    """Video retrieval by class (Xu et al., 2019): for each query video, is a
    gallery video of its class among its k nearest by cosine similarity?

    Reads ``feature``, ``gt_label`` and ``retrieval_role`` (``'query'`` or
    ``'gallery'``, from ``VideoRetrievalDataset``) of each prediction.

    Args:
        topk: the k's of R@k. Defaults to (1, 5, 10, 20, 50).
    """

    default_prefix = 'retrieval'

    def __init__(self, topk: Sequence[int] = (1, 5, 10, 20, 50),
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.topk = tuple(topk)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            self.results.append(dict(
                feature=sample['feature'].cpu(),
                label=int(sample['gt_label']),
                role=sample['retrieval_role']))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        split = {role: [r for r in results if r['role'] == role]
                 for role in ('query', 'gallery')}
        empty = [role for role, part in split.items() if not part]
        if empty:
            raise ValueError(
                f'VideoRetrievalMetric: no {" or ".join(empty)} videos; test '
                'on a VideoRetrievalDataset with PackActionInputs(meta_keys=('
                "..., 'retrieval_role')).")
        tensors = {role: (torch.stack([r['feature'] for r in part]),
                          torch.tensor([r['label'] for r in part]))
                   for role, part in split.items()}
        return retrieval_recall(*tensors['query'], *tensors['gallery'],
                                self.topk)
