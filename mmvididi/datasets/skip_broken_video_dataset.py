"""SkipBrokenVideoDataset: a VideoDataset that skips videos it cannot load."""
import atexit
import contextlib
import os
import tempfile
from typing import List

from mmaction.datasets import VideoDataset
from mmaction.registry import DATASETS
from mmengine.fileio import list_from_file
from mmengine.logging import print_log

from mmvididi.utils.annotation_files import SplitFileError
from mmvididi.video import PARTIAL_ATTRIBUTE, VIDEO_SOURCE_KEY

#: kinds of a ``bad_video_log`` line: ``<path>\t<kind>\t<reason>``
BROKEN = 'broken'  # failed to load: skipped, another video took its place
PARTIAL = 'partial'  # decoded only in part: trained on as far as it decodes
EXPECTED_LINE = 'expected "<video path> <integer label>"'


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)


@DATASETS.register_module()
class SkipBrokenVideoDataset(VideoDataset):
    """``VideoDataset`` that survives broken videos and bad annotation lines.

    - Every annotation line is checked when the dataset is built:
      ``<path> <label>`` (or ``<path>`` alone, label -1); any other line stops
      the run at start with ``file:line`` and what is wrong (a label that is
      not an integer; more fields than a path and a label, as a path with
      spaces gives).
    - In training, a video whose loading fails (missing, empty, truncated, not a
      video) is skipped: its path is logged once per process and appended,
      as ``BROKEN`` with the reason, to ``bad_video_log`` (a temporary file
      made when the dataset is built, so that every dataloader worker writes
      to it; ``BrokenVideoHook`` reads it), and another video is drawn, at
      most ``max_refetch`` times.
    - A video that loads but decoded only in part (the opened video, in
      ``results[VIDEO_SOURCE_KEY]``, says why in its ``partial`` attribute)
      is used as far as it decodes and appended to ``bad_video_log`` as
      ``PARTIAL``, once per process.
    - In testing a broken video is an error that names it: a test set that
      silently shrinks would change the metric.

    Random augmentation is made reproducible by the ``ReproducibleDataset``
    wrapper around it (with ``ReproducibleSampler``).

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
            if len(labels) > 1 and not self.multi_class:
                raise SplitFileError(
                    self.ann_file, line_no,
                    f'{EXPECTED_LINE}, got {line!r}: {len(fields)} fields, not '
                    '2; paths with spaces are not supported, rename the video.')
            not_integer = [x for x in labels if not x.lstrip('-').isdigit()]
            if not_integer:
                raise SplitFileError(
                    self.ann_file, line_no,
                    f'{EXPECTED_LINE}, got {line!r}: the label '
                    f'{not_integer[0]!r} is not an integer.')
            filename = fields[0]
            if self.data_prefix['video'] is not None:
                filename = os.path.join(self.data_prefix['video'], filename)
            if self.multi_class:
                label = [int(x) for x in labels]
            else:
                label = int(labels[0]) if labels else -1
            data_list.append(dict(filename=filename, label=label))
        return data_list

    def prepare_data(self, idx: int):
        data_info = self.get_data_info(idx)
        path = data_info.get('filename', f'sample {idx}')
        try:
            # the opening transform leaves the video in data_info, in place
            data = self.pipeline(data_info)
        except Exception as error:
            if self.test_mode:
                raise RuntimeError(f'cannot load test video {path}: {error}') \
                    from error
            self._record(path, BROKEN, f'{type(error).__name__}: {error}')
            return None  # BaseDataset draws another video
        partial = getattr(data_info.get(VIDEO_SOURCE_KEY), PARTIAL_ATTRIBUTE,
                          None)
        if partial:
            self._record(path, PARTIAL, str(partial))
        return data

    def _record(self, path: str, kind: str, reason: str) -> None:
        if (path, kind) in self._logged:
            return
        self._logged.add((path, kind))
        reason = reason.replace('\n', ' ').replace('\t', ' ')
        what = 'skipping broken video' if kind == BROKEN else \
            'video decoded only in part, used as far as it decodes:'
        print_log(f'{what} {path} ({reason})', 'current', level=30)
        with open(self.bad_video_log, 'a') as f:  # one short append a line
            f.write(f'{path}\t{kind}\t{reason[:500]}\n')
