"""SkipBrokenVideoDataset: a VideoDataset that skips videos it cannot load."""
import atexit
import contextlib
import os
import random
import tempfile
from typing import List

import numpy as np
import torch
from mmaction.datasets import VideoDataset
from mmaction.registry import DATASETS
from mmengine.fileio import list_from_file
from mmengine.logging import print_log

from mmvididi.utils.annotation_files import SplitFileError


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)


@DATASETS.register_module()
class SkipBrokenVideoDataset(VideoDataset):
    """``VideoDataset`` that survives broken videos and bad annotation lines.

    - Every annotation line is checked when the dataset is built:
      ``<path> <label>`` (or ``<path>`` alone, label -1); any other line stops
      the run at start with ``file:line``.
    - In training, a video whose loading fails (missing, empty, truncated, not a
      video) is skipped: its path is logged once per process and appended,
      with the reason, to ``bad_video_log`` (a temporary file made when the
      dataset is built, so that every dataloader worker writes to it;
      ``BrokenVideoHook`` reads it), and another video is drawn, at most
      ``max_refetch`` times.
    - In testing a broken video is an error that names it: a test set that
      silently shrinks would change the metric.
    - An index ``(index, epoch, seed)`` from ``ReproducibleSampler`` seeds
      Python's, numpy's and torch's random numbers for the sample from those
      three, so its augmentation is reproducible (and ``--resume`` exact).

    Args:
        max_refetch: draws after a failed video before giving up. Defaults to 10.
        **kwargs: as ``VideoDataset``.
    """

    def __init__(self, *args, max_refetch: int = 10, **kwargs) -> None:
        handle, self.bad_video_log = tempfile.mkstemp(
            prefix='mmvididi_bad_videos_', suffix='.tsv')
        os.close(handle)
        atexit.register(_remove, self.bad_video_log)  # in this process only
        self._logged = set()
        super().__init__(*args, max_refetch=max_refetch, **kwargs)

    def load_data_list(self) -> List[dict]:
        data_list = []
        for line_no, line in enumerate(list_from_file(self.ann_file), start=1):
            fields = line.split()
            if not fields:
                continue
            labels = fields[1:]
            if not all(x.lstrip('-').isdigit() for x in labels) or \
                    (len(labels) > 1 and not self.multi_class):
                raise SplitFileError(
                    self.ann_file, line_no,
                    f'expected "<video path> <integer label>", got {line!r}; '
                    'paths with spaces are not supported.')
            filename = fields[0]
            if self.data_prefix['video'] is not None:
                filename = os.path.join(self.data_prefix['video'], filename)
            if self.multi_class:
                label = [int(x) for x in labels]
            else:
                label = int(labels[0]) if labels else -1
            data_list.append(dict(filename=filename, label=label))
        return data_list

    def __getitem__(self, index) -> dict:
        if isinstance(index, tuple):
            index, epoch, seed = index
            state = np.random.SeedSequence([seed, epoch, index]).generate_state(1)
            random.seed(int(state[0]))
            np.random.seed(int(state[0]))
            torch.manual_seed(int(state[0]))
        return super().__getitem__(index)

    def prepare_data(self, idx: int):
        try:
            return super().prepare_data(idx)
        except Exception as error:
            path = self.get_data_info(idx).get('filename', f'sample {idx}')
            if self.test_mode:
                raise RuntimeError(f'cannot load test video {path}: {error}') \
                    from error
            self._record(path, error)
            return None  # BaseDataset draws another video

    def _record(self, path: str, error: Exception) -> None:
        if path in self._logged:
            return
        self._logged.add(path)
        reason = f'{type(error).__name__}: {error}'.replace('\n', ' ')
        print_log(f'skipping broken video {path} ({reason})', 'current',
                  level=30)
        with open(self.bad_video_log, 'a') as f:  # one short append a line
            f.write(f'{path}\t{reason[:500]}\n')
