"""BrokenVideoHook: count the videos that failed to load; stop if too many."""
from pathlib import Path
from typing import Dict

from mmaction.registry import HOOKS
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.logging import print_log

REPORT = 'bad_videos.txt'


def _find(dataset):
    """The dataset (or one it wraps) that records broken videos."""
    while dataset is not None and not hasattr(dataset, 'bad_video_log'):
        dataset = getattr(dataset, 'dataset', None)
    return dataset


def _read(path: Path) -> Dict[str, str]:
    """``{video: reason}`` of a ``path<TAB>reason`` file, if it exists."""
    if not path.exists():
        return {}
    return dict(line.split('\t', 1) for line in path.read_text().splitlines()
                if '\t' in line)


@HOOKS.register_module()
class BrokenVideoHook(Hook):
    """Collect the broken videos ``SkipBrokenVideoDataset`` skipped.

    Every ``interval`` iterations and at the end of training, the videos the
    dataset's workers logged are written, with the reason, to
    ``<work_dir>/bad_videos.txt`` (a resumed run adds to the list it finds
    there), their count logged as ``bad_videos``, and training stops with an
    error once they exceed ``max_bad_ratio`` of the dataset.

    Args:
        max_bad_ratio: the largest tolerated fraction of broken videos.
        interval: iterations between checks.
    """

    priority = 'LOW'

    def __init__(self, max_bad_ratio: float = 0.05, interval: int = 50) -> None:
        self.max_bad_ratio = max_bad_ratio
        self.interval = interval
        self.dataset = None
        self.known: Dict[str, str] = {}

    def before_train(self, runner) -> None:
        self.dataset = _find(runner.train_dataloader.dataset)
        self.known = _read(Path(runner.work_dir) / REPORT)

    def check(self, runner) -> None:
        if self.dataset is None:
            return
        self.known.update(_read(Path(self.dataset.bad_video_log)))
        runner.message_hub.update_scalar('train/bad_videos', len(self.known))
        if not self.known:
            return
        report = Path(runner.work_dir) / REPORT
        if is_main_process():
            report.write_text(''.join(f'{path}\t{self.known[path]}\n'
                                      for path in sorted(self.known)))
        total = len(self.dataset)
        if len(self.known) > self.max_bad_ratio * total:
            raise RuntimeError(
                f'{len(self.known)} of {total} training videos '
                f'({100 * len(self.known) / total:.1f}%) failed to load, more '
                f'than BrokenVideoHook.max_bad_ratio={self.max_bad_ratio}; '
                f'they are listed with the reasons in {report}. Fix or remove '
                'them, or raise the limit.')

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        if self.every_n_train_iters(runner, self.interval):
            self.check(runner)

    def after_train(self, runner) -> None:
        self.check(runner)
        if self.known:
            print_log(f'{len(self.known)} broken videos were skipped; see '
                      f'{Path(runner.work_dir) / REPORT}', 'current')
