"""FeatureCacheTestLoop: a test loop that keeps the predictions it computed."""
import hashlib
import json
from pathlib import Path
from typing import Optional, Sequence

import torch
from mmaction.registry import LOOPS
from mmengine.dist import get_rank, get_world_size
from mmengine.logging import print_log
from mmengine.runner import TestLoop

from mmvididi.utils.prediction_fields import (FEATURE_FIELD,
                                              FEATURE_ORDERS_FIELD,
                                              RETRIEVAL_ROLE_FIELD)
from mmvididi.utils.runtime import unwrap_model

#: the prediction fields saved by default: what the retrieval metric reads
KEPT_FIELDS = (FEATURE_FIELD, FEATURE_ORDERS_FIELD, 'gt_label',
               RETRIEVAL_ROLE_FIELD)


@LOOPS.register_module()
class FeatureCacheTestLoop(TestLoop):
    """``TestLoop`` that saves each rank's predictions (the ``keep`` fields) to
    ``cache_dir`` and, when the same weights meet the same test data again,
    evaluates the saved ones instead of decoding every video again.

    The cache key is a SHA-256 of the model's weights, the test dataloader's
    config (annotation files, pipeline, ...), the world size and the rank.

    Args:
        cache_dir: where the files go; defaults to ``<work_dir>/feature_cache``.
        keep: the prediction fields saved; what the evaluator reads.
    """

    def __init__(self, runner, dataloader, evaluator, fp16: bool = False,
                 cache_dir: Optional[str] = None,
                 keep: Sequence[str] = KEPT_FIELDS) -> None:
        super().__init__(runner, dataloader, evaluator, fp16)
        self.cache_dir = Path(cache_dir or Path(runner.work_dir) / 'feature_cache')
        self.keep = tuple(keep)

    def cache_path(self) -> Path:
        model = unwrap_model(self.runner.model)
        digest = hashlib.sha256()
        for name, tensor in model.state_dict().items():
            digest.update(name.encode())
            digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
        data = self.runner.cfg.get('test_dataloader', {})
        digest.update(json.dumps(data, sort_keys=True, default=str).encode())
        digest.update(f'{get_world_size()}/{get_rank()}'.encode())
        return self.cache_dir / f'{digest.hexdigest()[:16]}.pth'

    def run(self) -> dict:
        path = self.cache_path()
        if not path.exists():
            saved = []
            self.evaluator.process = self._recording(self.evaluator.process,
                                                     saved)
            metrics = super().run()
            path.parent.mkdir(parents=True, exist_ok=True)
            torch.save(saved, path)
            print_log(f'saved {len(saved)} predictions to {path}', 'current')
            return metrics

        saved = torch.load(path)
        print_log(f'evaluating {len(saved)} predictions from {path}, not the '
                  'videos (delete it to decode again)', 'current')
        self.runner.call_hook('before_test')
        self.runner.call_hook('before_test_epoch')
        self.evaluator.process(data_samples=saved, data_batch=None)
        metrics = self.evaluator.evaluate(len(self.dataloader.dataset))
        self.runner.call_hook('after_test_epoch', metrics=metrics)
        self.runner.call_hook('after_test')
        return metrics

    def _recording(self, process, saved: list):
        """``evaluator.process`` that also keeps the ``keep`` fields."""
        def record(data_samples, data_batch=None):
            for sample in data_samples:
                fields = sample.to_dict() if hasattr(sample, 'to_dict') else sample
                saved.append({k: fields[k] for k in self.keep if k in fields})
            return process(data_samples, data_batch)
        return record
