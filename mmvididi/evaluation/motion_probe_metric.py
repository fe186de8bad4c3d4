"""MotionProbeMetric: can a linear probe read speed and direction off a feature?"""
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric

from mmvididi.evaluation.motion_probe import motion_energy as energy_feature
from mmvididi.evaluation.motion_probe import (probe_accuracies,
                                              shuffle_sensitivity)
from mmvididi.utils.prediction_fields import FEATURE_FIELD

#: What each prediction must carry (``PackActionInputs`` meta_keys).
PROBE_META_KEYS = ('probe_source', 'probe_speed', 'probe_reversed',
                   'probe_shuffled', 'probe_position')
#: Name of the hand-made reference feature in the results.
MOTION_ENERGY = 'motion_energy'


@METRICS.register_module()
class MotionProbeMetric(BaseMetric):
    """Linear probes of frozen clip features on ``MotionProbeDataset`` clips.

    For each feature (the model's ``feature``, from its ``predict`` mode, and,
    with ``motion_energy``, the hand-made reference of
    :func:`~mmvididi.evaluation.motion_probe.motion_energy`):

    - ``speed``, ``direction``, ``joint``: accuracy (%) of a multinomial
      logistic regression on standardised features (L-BFGS, L2 ``l2``),
      k-fold by source video (``num_folds``, videos dealt from a ``seed``ed
      shuffle: no video has clips on both sides), each clip predicted once;
      the shuffled clips are left out;
    - ``speed_chance``, ``direction_chance``, ``joint_chance``: the largest
      class's share (1/3, 1/2, 1/6 for speeds 1, 2, 4);
    - ``shuffle_sensitivity``: mean cosine distance between each 1x forward
      clip's feature and that of the same frames shuffled (0: blind to frame
      order);
    - ``num_videos``, ``num_clips``.

    The reference's results carry the prefix ``motion_energy/``.

    Args:
        num_folds: folds of the split by source video.
        seed: of the fold assignment.
        l2: L2 penalty of the probes' weights.
        max_iter: L-BFGS iterations of each probe.
        motion_energy: also probe the motion-energy reference feature,
            computed from the frames of the data batch (needs the frames:
            ``TemporalDerivative`` with order 0).
    """

    default_prefix = 'motion_probe'

    def __init__(self, num_folds: int = 5, seed: int = 0, l2: float = 1e-2,
                 max_iter: int = 300, motion_energy: bool = True,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.num_folds = num_folds
        self.seed = seed
        self.l2 = l2
        self.max_iter = max_iter
        self.motion_energy = motion_energy

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        frames = None
        if self.motion_energy:
            if data_batch is None:
                raise ValueError(
                    'MotionProbeMetric(motion_energy=True) needs the frames of '
                    'the batch: use the plain TestLoop, not a feature cache.')
            frames = data_batch['inputs']
        for i, sample in enumerate(data_samples):
            missing = [key for key in (FEATURE_FIELD, ) + PROBE_META_KEYS
                       if key not in sample]
            if missing:
                raise KeyError(
                    f'MotionProbeMetric: predictions lack {missing}. The model '
                    "must store 'feature' in predict mode (ViDiDiRecognizer "
                    'does) and PackActionInputs must keep meta_keys='
                    f'{PROBE_META_KEYS}, on a MotionProbeDataset.')
            result = {key: sample[key] for key in PROBE_META_KEYS}
            result[FEATURE_FIELD] = sample[FEATURE_FIELD].detach().float().cpu()
            if frames is not None:
                result[MOTION_ENERGY] = energy_feature(
                    self._frames(frames[i], sample)).float()
            self.results.append(result)

    @staticmethod
    def _frames(inputs: torch.Tensor, sample: dict) -> torch.Tensor:
        """A sample's frames, ``V x T x H x W x C``, from what
        ``TemporalDerivative`` packed (frames, or orders on the host)."""
        if inputs.ndim == 5:
            return inputs
        orders = tuple(sample.get('derivative_orders', ()))
        if inputs.ndim != 6 or 0 not in orders:
            raise ValueError(
                'MotionProbeMetric(motion_energy=True) needs the frames: '
                "TemporalDerivative(orders=(0, ...), compute_on='device') in "
                f'the test pipeline (got inputs {tuple(inputs.shape)}).')
        return inputs[:, orders.index(0)]

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        if not results:
            raise ValueError('MotionProbeMetric: no predictions.')
        metrics = {}
        names = [FEATURE_FIELD] + ([MOTION_ENERGY] if self.motion_energy else [])
        for name in names:
            prefix = '' if name == FEATURE_FIELD else f'{name}/'
            for key, value in self._probe(results, name).items():
                metrics[prefix + key] = value
        return metrics

    def _probe(self, results: List[dict], name: str) -> Dict[str, float]:
        plain = [r for r in results if not r['probe_shuffled']]
        features = torch.stack([r[name] for r in plain])
        speeds = torch.tensor([r['probe_speed'] for r in plain])
        reversed_ = torch.tensor([int(r['probe_reversed']) for r in plain])
        sources = np.array([r['probe_source'] for r in plain])
        metrics = probe_accuracies(features, torch.unique(
            speeds, return_inverse=True)[1], reversed_, sources,
            self.num_folds, self.seed, self.l2, self.max_iter)
        # frame-shuffle sensitivity: pairs of the slowest forward clip and
        # its shuffled self, by video and position
        slowest = int(speeds.min())
        anchors = {(r['probe_source'], r['probe_position']): r[name]
                   for r in plain
                   if r['probe_speed'] == slowest and not r['probe_reversed']}
        pairs = [(anchors[key], r[name]) for r in results
                 if r['probe_shuffled'] and (key := (
                     r['probe_source'], r['probe_position'])) in anchors]
        if pairs:
            metrics['shuffle_sensitivity'] = shuffle_sensitivity(
                torch.stack([a for a, _ in pairs]),
                torch.stack([b for _, b in pairs]))
        metrics['num_videos'] = float(len(np.unique(sources)))
        metrics['num_clips'] = float(len(results))
        return metrics
