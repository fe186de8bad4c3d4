"""SkipNonFiniteOptimWrapper: a step with a non-finite loss is not taken."""
from typing import Dict, Optional

import torch
import torch.distributed as dist
from mmaction.registry import OPTIM_WRAPPERS
from mmengine.logging import MessageHub, print_log
from mmengine.optim import OptimWrapper

LAST_LOSS = 'last_loss'  # runtime info: {'pairs': [...], 'terms': {...}}


@OPTIM_WRAPPERS.register_module()
class SkipNonFiniteOptimWrapper(OptimWrapper):
    """``OptimWrapper`` that skips the update when the loss is NaN or infinite.

    The gradients are dropped and the step counted (logged as
    ``skipped_steps``); the weights, optimizer state and learning-rate schedule
    stay as they were. After ``max_consecutive`` skipped steps in a row,
    training stops with a ``FloatingPointError`` that names the iteration, the
    active order pairs and the loss terms (which ``ViDiDiRecognizer`` leaves
    in the message hub under ``last_loss``). In distributed runs every rank
    skips together if any rank's loss is not finite.

    Args:
        max_consecutive: skipped steps in a row that stop training.
        **kwargs: as ``OptimWrapper``.
    """

    def __init__(self, *args, max_consecutive: int = 5, **kwargs) -> None:
        super().__init__(*args, **kwargs)
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
        last = hub.get_info(LAST_LOSS) or {}
        where = (f'iteration {hub.get_info("iter", -1) + 1}, order pairs '
                 f'{last.get("pairs", "?")}, loss terms {last.get("terms", "?")}')
        print_log(f'skipped a step with a non-finite loss: {where}', 'current',
                  level=30)
        if self.consecutive >= self.max_consecutive:
            raise FloatingPointError(
                f'{self.consecutive} training steps in a row had a non-finite '
                f'loss, the last at {where}. Lower the learning rate, check '
                'the derivative normalisation (model.data_preprocessor) or '
                'the data, then resume from the last checkpoint.')
