"""MotionProbeSampleFrames: one clip of a video at a speed and a direction."""
from typing import Dict

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

#: Keys ``MotionProbeDataset`` puts in each data info, read here: the clip
#: (``probe_clip_len`` frames, ``probe_frame_interval`` apart at 1x), the
#: variant, and where in the video it is taken.
PROBE_KEYS = ('probe_source', 'probe_speed', 'probe_reversed', 'probe_shuffled',
              'probe_position', 'probe_num_positions', 'probe_max_speed',
              'probe_clip_len', 'probe_frame_interval', 'probe_seed')


def probe_span(clip_len: int, frame_interval: int, speed: int) -> int:
    """Frames a clip of ``clip_len`` frames at ``speed`` x covers."""
    return (clip_len - 1) * frame_interval * speed + 1


def shuffled_order(clip_len: int, seed: int, source: int,
                   position: int) -> np.ndarray:
    """A permutation of ``range(clip_len)`` other than the identity, the same
    for the same (seed, source video, position)."""
    rng = np.random.default_rng([seed, source, position])
    while True:
        order = rng.permutation(clip_len)
        if clip_len < 2 or np.any(order != np.arange(clip_len)):
            return order


@TRANSFORMS.register_module()
class MotionProbeSampleFrames(BaseTransform):
    """Frame indices of a motion-probe clip (``MotionProbeDataset``).

    Every variant of a video is centred on the same frame: the clip at
    ``probe_speed`` x takes every ``probe_frame_interval * probe_speed``-th
    frame; reversed, the same frames last to first; shuffled, the 1x forward
    clip's frames in a seeded random order. With ``probe_num_positions``
    positions the centres are spread evenly over the part of the video where
    the fastest clip fits.

    Required keys: ``total_frames`` (``VideoInit``), ``filename`` and
    the ``PROBE_KEYS``.

    Added keys: ``frame_inds``, ``clip_len``, ``frame_interval`` (of this
    variant), ``num_clips`` (1).
    """

    def transform(self, results: Dict) -> Dict:
        missing = [key for key in PROBE_KEYS if key not in results]
        if missing:
            raise KeyError(f'MotionProbeSampleFrames: {missing} missing; use it '
                           'on a MotionProbeDataset.')
        total = int(results['total_frames'])
        clip_len = results['probe_clip_len']
        base = results['probe_frame_interval']
        longest = probe_span(clip_len, base, results['probe_max_speed'])
        if longest > total:
            raise ValueError(
                f'video {results["filename"]} has {total} frames, but its '
                f'{results["probe_max_speed"]}x clip spans {longest}: lower '
                'clip_len or frame_interval of MotionProbeDataset, or let it '
                'skip such videos (skip_short=True).')
        half = (longest - 1) / 2
        fraction = (results['probe_position'] + 0.5) / \
            results['probe_num_positions']
        centre = half + (total - 1 - 2 * half) * fraction
        stride = base * results['probe_speed']
        start = int(round(centre - (clip_len - 1) * stride / 2))
        start = min(max(start, 0), total - 1 - (clip_len - 1) * stride)
        inds = start + stride * np.arange(clip_len)
        if results['probe_reversed']:
            inds = inds[::-1]
        if results['probe_shuffled']:
            inds = inds[shuffled_order(clip_len, results['probe_seed'],
                                       results['probe_source'],
                                       results['probe_position'])]
        results.update(frame_inds=inds.astype(np.int64), clip_len=clip_len,
                       frame_interval=stride, num_clips=1)
        return results
