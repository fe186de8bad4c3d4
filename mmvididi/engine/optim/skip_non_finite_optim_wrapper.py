"""Optimizer wrappers that skip a step whose loss is NaN or infinite, in full
and in mixed precision."""
from typing import Dict, Optional

import torch
import torch.distributed as dist
from mmaction.registry import OPTIM_WRAPPERS
from mmengine.logging import MessageHub, print_log
from mmengine.optim import AmpOptimWrapper, OptimWrapper

from mmvididi.utils.loss_report import (PAIRS_FIELD, TERMS_FIELD,
                                        last_loss_report)


class SkipNonFiniteMixin:
    """Skip the update when the loss is NaN or infinite.

    The gradients are dropped and the step counted (logged as
    ``skipped_steps``); the weights, optimizer state and learning-rate schedule
    stay as they were. After ``max_consecutive`` skipped steps in a row,
    training stops with a ``FloatingPointError`` that names the iteration, the
    active order pairs and the loss terms (the model's loss report,
    :mod:`mmvididi.utils.loss_report`). In distributed runs every rank skips
    together if any rank's loss is not finite.

    Mixed into an mmengine optimizer wrapper, before it:
    ``class W(SkipNonFiniteMixin, OptimWrapper)``. The loss is checked before
    the wrapper scales it, so under AMP a non-finite loss is skipped here and
    an overflow of the scaled gradients is left to the loss scaler.

    Args:
        optimizer: the optimizer (or its config), as the wrapper's.
        max_consecutive: skipped steps in a row that stop training.
        **kwargs: as the wrapper's, by keyword.
    """

    def __init__(self, optimizer, *, max_consecutive: int = 5,
                 **kwargs) -> None:
        # by keyword: AmpOptimWrapper takes loss_scale first, the optimizer
        # among its keyword arguments
        super().__init__(optimizer=optimizer, **kwargs)
        self.max_consecutive = max_consecutive
        self.consecutive = 0
        self.skipped = 0

    @staticmethod
    def _finite_everywhere(loss: torch.Tensor) -> bool:
        finite = torch.isfinite(loss.detach()).all().float()
        if dist.is_available() and dist.is_initialized():
            dist.all_reduce(finite, op=dist.ReduceOp.MIN)
        return bool(finite.item())

    def update_params(self, loss: torch.Tensor,
                      step_kwargs: Optional[Dict] = None,
                      zero_kwargs: Optional[Dict] = None) -> None:
        if self._finite_everywhere(loss):
            self.consecutive = 0
            return super().update_params(loss, step_kwargs, zero_kwargs)
        self.zero_grad(**(zero_kwargs or {}))
        self.consecutive += 1
        self.skipped += 1
        hub = MessageHub.get_current_instance()
        hub.update_scalar('train/skipped_steps', self.skipped)
        report = last_loss_report()
        where = (f'iteration {hub.get_info("iter", -1) + 1}, order pairs '
                 f'{report.get(PAIRS_FIELD, "?")}, loss terms '
                 f'{report.get(TERMS_FIELD, "?")}')
        print_log(f'skipped a step with a non-finite loss: {where}', 'current',
                  level=30)
        if self.consecutive >= self.max_consecutive:
            raise FloatingPointError(
                f'{self.consecutive} training steps in a row had a non-finite '
                f'loss, the last at {where}. Lower the learning rate, check '
                'the derivative normalisation (model.data_preprocessor) or '
                'the data, then resume from the last checkpoint.')


@OPTIM_WRAPPERS.register_module()
class SkipNonFiniteOptimWrapper(SkipNonFiniteMixin, OptimWrapper):
    """``OptimWrapper`` that skips the update when the loss is NaN or infinite
    (:class:`SkipNonFiniteMixin`).

    Args:
        max_consecutive: skipped steps in a row that stop training.
        **kwargs: as ``OptimWrapper``.
    """


@OPTIM_WRAPPERS.register_module()
class SkipNonFiniteAmpOptimWrapper(SkipNonFiniteMixin, AmpOptimWrapper):
    """``AmpOptimWrapper`` (mixed precision, loss scaling) that skips the
    update when the loss is NaN or infinite (:class:`SkipNonFiniteMixin`);
    ``tools/train.py --amp`` picks it for a ``SkipNonFiniteOptimWrapper``.

    Args:
        max_consecutive: skipped steps in a row that stop training.
        **kwargs: as ``AmpOptimWrapper`` (``loss_scale``, ``dtype``, ...).
    """
