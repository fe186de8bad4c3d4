"""Imported by the training processes of tests/test_distributed.py."""
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
