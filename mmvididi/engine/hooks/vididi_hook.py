"""ViDiDiHook: steps ViDiDi's balanced alternation of order pairs."""
from typing import Optional

from mmaction.registry import HOOKS
from mmengine.hooks import Hook

from mmvididi.engine.hooks.target_momentum_hook import TargetMomentumHook
from mmvididi.pairs import SCHEDULE_MODES, BalancedPairSchedule, PairError
from mmvididi.utils.config_checks import (check_seeded_loader,
                                          check_vididi_config)
from mmvididi.utils.runtime import unwrap_model

#: checkpoint ``meta`` key of the schedule's state
CHECKPOINT_KEY = 'order_pair_schedule'
#: the hook's key in ``default_hooks`` (configs/_base_/default_runtime.py): set
#: the mode with ``--cfg-options default_hooks.pair_schedule.mode=random``
CONFIG_KEY = 'pair_schedule'
#: message-hub scalars of the active pair's orders, one value a step, logged
#: when one pair is active (modes ``alternate``, ``epoch``, ``random``)
ORDER_A_SCALAR = 'train/order_a'
ORDER_B_SCALAR = 'train/order_b'


@HOOKS.register_module(name=['ViDiDiHook', 'OrderPairScheduleHook'])
class ViDiDiHook(Hook):
    """Set the order pairs a ``ViDiDiRecognizer`` trains before every iteration,
    by a :class:`~mmvididi.pairs.BalancedPairSchedule` of the model's pairs.

    Every config has it: ``_base_/default_runtime.py`` registers it in
    ``default_hooks`` under ``pair_schedule`` (:data:`CONFIG_KEY`), where a
    config's own ``custom_hooks`` cannot drop it; with another model
    (recognition, detection) it only checks. ``OrderPairScheduleHook`` is its
    former name, still registered.

    Before the run it checks the config as a whole
    (:func:`~mmvididi.utils.config_checks.check_vididi_config`,
    :func:`~mmvididi.utils.config_checks.check_seeded_loader`), so every
    entry point (``tools/train.py``, ``Runner.from_cfg(cfg).train()``,
    ``mim train``, the demo) refuses a config that does not fit together; it
    also refuses a second schedule hook, and a BYOL model without its
    ``TargetMomentumHook``. The schedule (pairs, mode, seed) is saved in every
    checkpoint's meta; ``--resume`` restores it and refuses a config whose
    pairs or mode differ. The active pair is logged as ``order_a`` /
    ``order_b``.

    Args:
        mode: ``'alternate'`` (default), ``'epoch'``, ``'random'`` or ``'joint'``.
        seed: seed of the ``random`` mode; defaults to the run's seed.
    """

    priority = 'NORMAL'

    def __init__(self, mode: str = 'alternate', seed: Optional[int] = None) -> None:
        if mode not in SCHEDULE_MODES:
            raise PairError(f'ViDiDiHook.mode={mode!r} is not one of '
                            f'{SCHEDULE_MODES}.')
        self.mode = mode
        self.seed = seed
        self.schedule = None
        self.model = None  # the ViDiDiRecognizer it drives, if any
        self._loaded_state = None

    def before_run(self, runner) -> None:
        check_seeded_loader(runner.cfg)
        check_vididi_config(runner.cfg)
        schedules = [hook for hook in runner.hooks if isinstance(hook, ViDiDiHook)]
        if len(schedules) > 1:
            raise ValueError(
                f'{len(schedules)} pair-schedule hooks (ViDiDiHook / '
                'OrderPairScheduleHook) are registered; keep one: '
                '_base_/default_runtime.py registers it as '
                f'default_hooks.{CONFIG_KEY}, so remove the one in custom_hooks '
                f'and set its mode with default_hooks.{CONFIG_KEY}.mode=...')
        model = unwrap_model(runner.model)
        self.model = model if hasattr(model, 'set_active_pairs') else None
        if hasattr(getattr(model, 'framework', None), 'base_momentum') and \
                not any(isinstance(hook, TargetMomentumHook)
                        for hook in runner.hooks):
            raise ValueError(
                f'model.framework={type(model.framework).__name__} moves its '
                'target network with a momentum schedule, and no '
                'TargetMomentumHook is registered; add '
                "custom_hooks = [dict(type='TargetMomentumHook')] (as "
                'configs/_base_/models/vididi_byol_r3d18.py does).')

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self._loaded_state = checkpoint.get('meta', {}).get(CHECKPOINT_KEY)

    def before_train(self, runner) -> None:
        if self.model is None:
            return
        seed = runner.seed if self.seed is None else self.seed
        self.schedule = BalancedPairSchedule(self.model.pairs, self.mode, seed)
        state = self._loaded_state
        if runner.iter > 0 and state is not None:  # resuming this schedule
            if state['pairs'] != self.schedule.state_dict()['pairs'] or \
                    state['mode'] != self.mode:
                raise PairError(
                    f'ViDiDiHook: the checkpoint was trained with pairs '
                    f'{state["pairs"]} in mode {state["mode"]!r}, the config '
                    f'asks for {self.schedule.pairs} in mode {self.mode!r}; '
                    'resume with the original model.pairs and '
                    f'default_hooks.{CONFIG_KEY}.mode, or start a new run.')
            self.schedule.seed = state['seed']

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        if self.model is None:
            return
        step = runner.epoch if self.mode == 'epoch' else runner.iter
        pairs = self.schedule.pairs_at(step)
        self.model.set_active_pairs(pairs)
        if len(pairs) == 1:
            runner.message_hub.update_scalar(ORDER_A_SCALAR, pairs[0][0])
            runner.message_hub.update_scalar(ORDER_B_SCALAR, pairs[0][1])

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if self.schedule is None:
            return
        checkpoint.setdefault('meta', {})[CHECKPOINT_KEY] = \
            self.schedule.state_dict()


#: the former name, for code that imports it
OrderPairScheduleHook = ViDiDiHook
