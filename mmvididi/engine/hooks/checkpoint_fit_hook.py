"""CheckpointFitHook: a checkpoint whose backbone does not fit the model stops
the run, before it trains or tests a randomly initialised encoder."""
import logging

from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.logging import print_log

from mmvididi.utils.checkpoint_fit import (check_checkpoint_fits,
                                           checkpoint_state)
from mmvididi.utils.preprocessing_match import (mismatch_message,
                                                preprocessing_mismatch,
                                                trained_preprocessor_cfg)
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

    It also warns when the checkpoint's run prepared its clips otherwise than
    the model does (:mod:`mmvididi.utils.preprocessing_match`: a probe or
    retrieval config without the ``motion_compensation`` the run was trained
    with, say), naming the ``--cfg-options`` that make them agree.
    """

    priority = 'VERY_HIGH'

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        name = runner.cfg.get('load_from') or \
            f'(the one loaded into the run in {runner.work_dir})'
        model = unwrap_model(runner.model)
        check_checkpoint_fits(model, checkpoint_state(checkpoint, name), name)
        fixes = preprocessing_mismatch(trained_preprocessor_cfg(checkpoint),
                                       model)
        if fixes:
            print_log(mismatch_message(name, fixes), logger='current',
                      level=logging.WARNING)
