"""OrderPairScheduleHook: sets the order pairs ViDiDiRecognizer trains each step."""
from typing import Optional

from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmvididi.engine.pair_schedule import BalancedPairSchedule

CHECKPOINT_KEY = 'order_pair_schedule'


@HOOKS.register_module()
class OrderPairScheduleHook(Hook):
    """Drive ``model.active_pairs`` by a :class:`BalancedPairSchedule`.

    The pairs come from the model (``model.pairs``). The schedule (pairs, mode,
    seed) is saved in every checkpoint's meta; ``--resume`` restores it and
    refuses a config whose pairs or mode differ. The active pair is logged as
    ``order_a`` / ``order_b``.

    Args:
        mode: ``'alternate'`` (default), ``'epoch'``, ``'random'`` or ``'joint'``.
        seed: seed of the ``random`` mode; defaults to the run's seed.
    """

    priority = 'NORMAL'

    def __init__(self, mode: str = 'alternate', seed: Optional[int] = None) -> None:
        self.mode = mode
        self.seed = seed
        self.schedule = None
        self._loaded_state = None

    @staticmethod
    def _model(runner):
        model = runner.model
        return model.module if is_model_wrapper(model) else model

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self._loaded_state = checkpoint.get('meta', {}).get(CHECKPOINT_KEY)

    def before_train(self, runner) -> None:
        seed = runner.seed if self.seed is None else self.seed
        self.schedule = BalancedPairSchedule(self._model(runner).pairs,
                                             self.mode, seed)
        state = self._loaded_state
        if runner.iter > 0 and state is not None:  # resuming this schedule
            if state['pairs'] != self.schedule.state_dict()['pairs'] or \
                    state['mode'] != self.mode:
                raise ValueError(
                    f'OrderPairScheduleHook: the checkpoint was trained with '
                    f'pairs {state["pairs"]} in mode {state["mode"]!r}, the '
                    f'config asks for {self.schedule.pairs} in mode '
                    f'{self.mode!r}; resume with the original model.pairs and '
                    'hook mode, or start a new run.')
            self.schedule.seed = state['seed']

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        step = runner.epoch if self.mode == 'epoch' else runner.iter
        pairs = self.schedule.pairs_at(step)
        self._model(runner).active_pairs = pairs
        if len(pairs) == 1:
            runner.message_hub.update_scalar('train/order_a', pairs[0][0])
            runner.message_hub.update_scalar('train/order_b', pairs[0][1])

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint.setdefault('meta', {})[CHECKPOINT_KEY] = \
            self.schedule.state_dict()
