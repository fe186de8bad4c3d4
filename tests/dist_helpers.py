"""Imported by the training processes of tests/test_distributed.py."""
import sys
from pathlib import Path

import torch
from mmaction.registry import HOOKS
from mmengine.dist import get_rank
from mmengine.hooks import Hook


@HOOKS.register_module()
class DumpRankWeightsHook(Hook):
    """After training, every rank saves its own weights to work_dir/rank<r>.pth."""

    def after_train(self, runner) -> None:
        model = runner.model.module if hasattr(runner.model, 'module') \
            else runner.model
        torch.save(model.state_dict(), f'{runner.work_dir}/rank{get_rank()}.pth')


@HOOKS.register_module()
class RecordErrorHook(Hook):
    """Every rank writes the exception that ends its process, if any, to
    work_dir/rank<r>_error.txt: a rank that stopped on its own leaves one, a
    rank left hanging (and killed by torchrun) does not."""

    def before_run(self, runner) -> None:
        path = Path(runner.work_dir) / f'rank{get_rank()}_error.txt'
        previous = sys.excepthook

        def record(kind, error, traceback):
            path.write_text(f'{kind.__name__}: {error}')
            previous(kind, error, traceback)

        sys.excepthook = record
