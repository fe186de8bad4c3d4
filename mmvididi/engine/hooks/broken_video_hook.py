"""BrokenVideoHook: the videos that failed to load or decoded only in part,
gathered over all ranks; training stops if too many failed."""
import os
from pathlib import Path
from typing import Dict, List, Tuple

import torch
from mmaction.registry import HOOKS
from mmengine.dist import (all_gather_object, all_reduce,
                           broadcast_object_list, get_world_size,
                           is_main_process)
from mmengine.hooks import Hook
from mmengine.logging import print_log

from mmvididi.datasets.skip_broken_video_dataset import BROKEN, PARTIAL

REPORT = 'bad_videos.txt'
#: first line of the report
HEADER = (f'# path<TAB>kind<TAB>reason; kind {BROKEN}: failed to load, skipped '
          f'(another video took its place); {PARTIAL}: decoded only in part, '
          'trained on as far as it decodes\n')
Entry = Tuple[str, str, str]  # (path, kind, reason)


def video_datasets(dataset) -> list:
    """The datasets that log their bad videos (``bad_video_log``) in
    ``dataset`` and the datasets it wraps (``dataset`` / ``datasets``)."""
    if dataset is None:
        return []
    if hasattr(dataset, 'bad_video_log'):
        return [dataset]
    inner = list(getattr(dataset, 'datasets', []))
    inner.append(getattr(dataset, 'dataset', None))
    return [leaf for child in inner for leaf in video_datasets(child)]


def parse_lines(text: str) -> List[Entry]:
    """``path<TAB>kind<TAB>reason`` lines (``path<TAB>reason``: broken, as
    reports of earlier versions have it); ``#`` lines are comments."""
    entries = []
    for line in text.splitlines():
        fields = line.split('\t')
        if line.startswith('#') or len(fields) < 2:
            continue
        if len(fields) == 2 or fields[1] not in (BROKEN, PARTIAL):
            entries.append((fields[0], BROKEN, '\t'.join(fields[1:])))
        else:
            entries.append((fields[0], fields[1], '\t'.join(fields[2:])))
    return entries


class LogReader:
    """Reads the lines appended to a file since the last read (complete
    lines only: a dataloader worker may be writing one)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.offset = 0

    def new_lines(self) -> str:
        try:
            if os.path.getsize(self.path) <= self.offset:
                return ''
            with open(self.path, 'rb') as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            return ''
        complete = data[:data.rfind(b'\n') + 1]
        self.offset += len(complete)
        return complete.decode('utf-8', errors='replace')


@HOOKS.register_module()
class BrokenVideoHook(Hook):
    """Collect the bad videos of ``SkipBrokenVideoDataset``, on every rank.

    After every ``interval`` iterations (default: every one) and at the end of
    training, each rank reads what its dataset's workers appended to their
    log since the last check; one small collective (the number of new
    entries, summed over ranks) says whether there is anything to gather,
    and only then are the entries gathered, so that every rank holds the same
    list. From it:

    - rank 0 writes ``<work_dir>/bad_videos.txt``: a header line, then
      ``path<TAB>kind<TAB>reason`` a video, ``broken`` (failed to load,
      skipped) first, then ``partial`` (decoded only in part, trained on as
      far as it decodes); a resumed run adds to the list it finds there;
    - ``bad_videos`` (broken) and ``partial_videos`` are logged;
    - every rank stops with the same error, at the same iteration, once the
      broken videos exceed ``max_bad_ratio`` of the distinct training videos
      (over all ranks together, not per rank). Partial videos do not count.

    Args:
        max_bad_ratio: the largest tolerated fraction of broken videos.
        interval: iterations between checks.
    """

    priority = 'LOW'  # after the iteration's other hooks, before checkpoints

    def __init__(self, max_bad_ratio: float = 0.05, interval: int = 1) -> None:
        self.max_bad_ratio = max_bad_ratio
        self.interval = interval
        self.readers: List[LogReader] = []
        self.num_videos = 0
        self.known: Dict[Tuple[str, str], str] = {}  # (path, kind): reason

    def before_train(self, runner) -> None:
        datasets = video_datasets(runner.train_dataloader.dataset)
        self.readers = [LogReader(d.bad_video_log) for d in datasets]
        self.num_videos = sum(len(d) for d in datasets)
        report = Path(runner.work_dir) / REPORT
        earlier = [parse_lines(report.read_text()) if is_main_process() and
                   report.exists() else []]
        broadcast_object_list(earlier)  # every rank starts from rank 0's list
        self._merge(earlier[0])

    def _merge(self, entries: List[Entry]) -> bool:
        added = False
        for path, kind, reason in entries:
            if (path, kind) not in self.known:
                self.known[(path, kind)] = reason
                added = True
        return added

    def _gather_new(self) -> List[Entry]:
        """This rank's new entries, then those of every rank, in rank order."""
        new = [entry for reader in self.readers
               for entry in parse_lines(reader.new_lines())
               if entry[:2] not in self.known]
        if get_world_size() == 1:
            return new
        count = torch.tensor([len(new)], dtype=torch.int64)
        all_reduce(count)
        if count.item() == 0:
            return []
        return [entry for rank_new in all_gather_object(new)
                for entry in rank_new]

    def paths(self, kind: str) -> List[str]:
        return sorted(path for path, k in self.known if k == kind)

    def check(self, runner) -> None:
        if not self.readers:
            return
        changed = self._merge(self._gather_new())
        broken = self.paths(BROKEN)
        runner.message_hub.update_scalar('train/bad_videos', len(broken))
        runner.message_hub.update_scalar('train/partial_videos',
                                         len(self.paths(PARTIAL)))
        report = Path(runner.work_dir) / REPORT
        if changed and is_main_process():
            report.write_text(HEADER + ''.join(
                f'{path}\t{kind}\t{self.known[(path, kind)]}\n'
                for kind in (BROKEN, PARTIAL) for path in self.paths(kind)))
        if len(broken) > self.max_bad_ratio * self.num_videos:
            raise RuntimeError(
                f'{len(broken)} of {self.num_videos} training videos '
                f'({100 * len(broken) / self.num_videos:.1f}%) failed to load, '
                f'more than BrokenVideoHook.max_bad_ratio={self.max_bad_ratio}; '
                f'they are listed with the reasons in {report}. Fix or remove '
                'them, or raise the limit.')

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        if self.every_n_train_iters(runner, self.interval):
            self.check(runner)

    def after_train(self, runner) -> None:
        self.check(runner)
        broken, partial = self.paths(BROKEN), self.paths(PARTIAL)
        if broken or partial:
            print_log(f'{len(broken)} broken videos were skipped and '
                      f'{len(partial)} decoded only in part; see '
                      f'{Path(runner.work_dir) / REPORT}', 'current')
