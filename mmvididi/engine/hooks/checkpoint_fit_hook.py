"""CheckpointFitHook: a checkpoint whose backbone does not fit the model stops
the run, before it trains or tests a randomly initialised encoder."""
from mmaction.registry import HOOKS
from mmengine.hooks import Hook

from mmvididi.utils.checkpoint_fit import (check_checkpoint_fits,
                                           checkpoint_state)
from mmvididi.utils.runtime import unwrap_model


@HOOKS.register_module()
class CheckpointFitHook(Hook):
    """Checks every checkpoint the Runner loads (``load_from``, ``--resume``,
    ``tools/test.py CONFIG CHECKPOINT``) against the model: every backbone
    weight must be in it with the model's shape
    (:func:`~mmvididi.utils.checkpoint_fit.check_checkpoint_fits`), else a
    ``ValueError`` names the checkpoint and the fix. Heads, necks and other
    keys may differ, as mmengine's non-strict loading allows: a supervised
    MMAction2 ``Recognizer3D`` checkpoint probes through a ViDiDi config of the
    same backbone. ``configs/_base_/default_runtime.py`` registers it.
    """

    priority = 'VERY_HIGH'

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        name = runner.cfg.get('load_from') or \
            f'(the one loaded into the run in {runner.work_dir})'
        check_checkpoint_fits(unwrap_model(runner.model),
                              checkpoint_state(checkpoint, name), name)
