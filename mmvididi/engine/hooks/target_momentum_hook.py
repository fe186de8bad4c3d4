"""TargetMomentumHook: BYOL's target momentum, cosine from its base value to 1."""
import math

from mmaction.registry import HOOKS
from mmengine.hooks import Hook

from mmvididi.utils.runtime import unwrap_model


def cosine_momentum(base: float, iteration: int, max_iters: int) -> float:
    """``1 - (1 - base) * (cos(pi * iteration / max_iters) + 1) / 2``."""
    return 1 - (1 - base) * (math.cos(math.pi * iteration / max_iters) + 1) / 2


@HOOKS.register_module()
class TargetMomentumHook(Hook):
    """Set ``model.framework.momentum`` before every iteration (Grill et al.,
    2020): ``base_momentum`` at the first iteration, 1 at the last. A function
    of the iteration only, so ``--resume`` continues it exactly. Logged as
    ``target_momentum``."""

    priority = 'NORMAL'

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        framework = unwrap_model(runner.model).framework
        framework.momentum = cosine_momentum(framework.base_momentum,
                                             runner.iter, runner.max_iters)
        runner.message_hub.update_scalar('train/target_momentum',
                                         framework.momentum)
