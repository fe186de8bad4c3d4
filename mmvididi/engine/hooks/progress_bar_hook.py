"""ProgressBarHook: one console line of training progress."""
import sys
import time

from mmaction.registry import HOOKS
from mmengine.dist import is_main_process
from mmengine.hooks import Hook


@HOOKS.register_module()
class ProgressBarHook(Hook):
    """Print ``[name] epoch e/E |#####-----| iter i/I loss x eta m:ss``, on
    rank 0 only (its loss: that of rank 0's part of the batch).

    On a terminal the line is redrawn in place after every iteration;
    elsewhere (a log file, CI) a line is printed every ``1/lines`` of training.

    Args:
        name: shown first, e.g. the run's name.
        width: characters of the bar.
        lines: lines printed over the run when not on a terminal.
    """

    priority = 'VERY_LOW'

    def __init__(self, name: str = 'train', width: int = 24,
                 lines: int = 10) -> None:
        self.name = name
        self.width = width
        self.lines = lines
        self.start = None

    def before_train(self, runner) -> None:
        self.start = time.perf_counter()

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        if not is_main_process():
            return
        done, total = runner.iter + 1, runner.max_iters
        tty = sys.stdout.isatty()
        if not tty and done != total and \
                done % max(total // self.lines, 1) != 0:
            return
        elapsed = time.perf_counter() - self.start
        eta = elapsed / done * (total - done)
        filled = self.width * done // total
        loss = float(outputs['loss'].detach()) if outputs and 'loss' in outputs \
            else 0.0
        line = (f'[{self.name}] epoch {runner.epoch + 1}/{runner.max_epochs} '
                f'|{"#" * filled}{"-" * (self.width - filled)}| '
                f'iter {done}/{total} loss {loss:.3f} '
                f'eta {int(eta // 60)}:{int(eta % 60):02d}')
        end = '\n' if not tty or done == total else ''
        print(('\r' if tty else '') + line, end=end, flush=True)
