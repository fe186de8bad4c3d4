"""Will a model see clips prepared as its checkpoint's run prepared them?

What the encoder sees is decided by its data preprocessor
(``ViDiDiDataPreprocessor``): the frames' statistics, the derivatives'
normalisation, camera-motion compensation, a stabilised clip. None of these is
a weight, so a checkpoint loads into a model whatever they are, and a model
that prepares its clips otherwise than its training run did (a probe or
retrieval config without the ``stabilize`` option the run was trained with)
gives other features without a word. mmengine keeps a run's config in its
checkpoints (``meta['cfg']``); :func:`preprocessing_mismatch` compares that
run's preprocessor with the model's and gives the ``--cfg-options`` that make
them agree. ``CheckpointFitHook`` and :func:`mmvididi.apis.init_model` warn
with it: evaluating on other clips may be meant (an ablation), so it is a
warning, not an error.
"""
import warnings
from typing import List, Optional

from mmaction.registry import MODELS
from mmengine.config import Config

#: the preprocessor whose settings are compared
PREPROCESSOR = 'ViDiDiDataPreprocessor'
#: the config key of a model's preprocessor, as --cfg-options names it
PREPROCESSOR_KEY = 'model.data_preprocessor'


def trained_preprocessor_cfg(checkpoint: dict) -> Optional[dict]:
    """The ``model.data_preprocessor`` config of the run that wrote
    ``checkpoint`` (mmengine's ``meta['cfg']``); None if the checkpoint has
    no run config, or it does not parse."""
    text = (checkpoint.get('meta') or {}).get('cfg') \
        if isinstance(checkpoint, dict) else None
    if not isinstance(text, str):
        return None
    try:
        cfg = Config.fromstring(text, '.py')
    except Exception:  # a config of another toolbox, another version, ...
        return None
    preprocessor = (cfg.get('model') or {}).get('data_preprocessor')
    return preprocessor.to_dict() if hasattr(preprocessor, 'to_dict') \
        else preprocessor


def _format(value) -> str:
    """A value as ``--cfg-options`` parses it back."""
    if isinstance(value, (list, tuple)):
        return '[' + ','.join(_format(v) for v in value) + ']'
    return str(value)


def preprocessing_mismatch(trained: Optional[dict], model) -> List[str]:
    """``--cfg-options`` items (``model.data_preprocessor.KEY=VALUE``) that
    make ``model``'s preprocessor prepare clips as the ``trained``
    preprocessor config did; ``[]`` where they already agree, or where
    either is not a ``ViDiDiDataPreprocessor`` (nothing to compare)."""
    current = getattr(model, 'data_preprocessor', None)
    if not isinstance(trained, dict) or \
            trained.get('type', PREPROCESSOR) != PREPROCESSOR or \
            type(current).__name__ != PREPROCESSOR:
        return []
    try:
        with warnings.catch_warnings():  # the run's own, said at its time
            warnings.simplefilter('ignore')
            theirs = MODELS.build(dict(trained, type=PREPROCESSOR)
                                  ).evaluation_settings()
    except Exception:  # arguments of another version of the preprocessor
        return []
    ours = current.evaluation_settings()
    fixes = []
    for key, value in theirs.items():
        mine = ours[key]
        if value == mine:
            continue
        if key == 'motion_compensation' and value is None:
            fixes.append(f'{PREPROCESSOR_KEY}.{key}=none')
        elif isinstance(value, dict):
            fixes.extend(f'{PREPROCESSOR_KEY}.{key}.{sub}={_format(v)}'
                         for sub, v in value.items()
                         if not isinstance(mine, dict) or mine.get(sub) != v)
        else:
            fixes.append(f'{PREPROCESSOR_KEY}.{key}={_format(value)}')
    return fixes


def mismatch_message(checkpoint_name: str, fixes: List[str]) -> str:
    """The warning for :func:`preprocessing_mismatch`'s ``fixes``."""
    return (f'checkpoint {checkpoint_name} was trained on clips prepared '
            'otherwise than this model prepares them (its run\'s '
            f'{PREPROCESSOR_KEY} differs), so its features here are not '
            'those of its training; to prepare them as in training, add '
            f'--cfg-options {" ".join(fixes)}')
