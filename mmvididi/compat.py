"""Work-arounds for the pinned OpenMMLab stack, all in this one module.

``import mmvididi`` runs :func:`apply` before anything imports ``mmaction.models``.
Each fix says what is broken and why; remove it when the pinned release fixes it.

1. The mmaction2 1.2.0 wheel on PyPI ships without the package
   ``mmaction/models/localizers/drn``, although ``mmaction.models.localizers``
   imports ``DRN`` from it, so ``import mmaction.models`` (and every config that builds
   an MMAction2 model) fails with ``ModuleNotFoundError``. We put a stand-in module
   under that name whose ``DRN`` explains the gap when built. DRN is a temporal
   grounding model; nothing in mmvididi uses it.
2. mmcv-lite (full mmcv 2.1.0 does not compile against torch 2.14) lacks
   ``mmcv.ops``, and ``mmcv.cnn`` warns about it at every import. mmvididi uses no
   ``mmcv.ops`` (RoIAlign comes from torchvision), so that one warning is silenced.
3. mmaction2 1.2.0's ``ColorJitter.adjust_hue`` adds a Python int offset to a uint8
   hue channel; under numpy 2 (NEP 50) a negative offset raises ``OverflowError``.
   It is replaced by the same hue rotation computed in int16.
4. torch >= 2.6 loads checkpoints with ``weights_only=True``, which refuses what
   mmengine 0.10.7 writes besides tensors: its ``HistoryBuffer`` logs (numpy
   arrays and scalars) and, inside them, references to ``HistoryBuffer``'s own
   methods pickled through ``getattr``. ``--resume`` then fails. We allow-list
   exactly the data types (``HistoryBuffer`` and numpy arrays, dtypes and
   scalars: no callables), and make ``HistoryBuffer`` pickle its data without
   the method references (they are class-level and restored on load). Loading
   stays ``weights_only=True``: ``getattr`` and every other callable remain
   refused, and checkpoints written without this fix need it too.
5. mmaction2 1.2.0 imports its multimodal models (VindLU) from ``mmaction.models``
   whenever ``transformers >= 4.28`` is installed, and they import names that
   transformers 5 removed (``apply_chunking_to_forward`` from
   ``transformers.modeling_utils``, seen with 5.17), so ``import mmaction.models``
   fails wherever a current transformers is installed. With transformers >= 5 we
   let mmaction register its placeholders for them instead, as it does when
   transformers is missing. mmvididi uses no multimodal model.
"""
import importlib.util
import sys
import types
import warnings
from pathlib import Path

import numpy as np

DRN_MODULE = 'mmaction.models.localizers.drn'


class MissingDRN:
    """Stand-in for ``mmaction.models.localizers.drn.drn.DRN``, absent in the wheel."""

    def __init__(self, *args, **kwargs):
        raise ImportError(
            'DRN is missing from the mmaction2 1.2.0 wheel on PyPI; install '
            'mmaction2 from source (github.com/open-mmlab/mmaction2) to use it.')


def mmaction_ships_drn() -> bool:
    """Whether the installed mmaction has the DRN package, checked on disk.

    ``importlib.util.find_spec(DRN_MODULE)`` would import ``mmaction.models``
    first, which is the very import that fails.
    """
    spec = importlib.util.find_spec('mmaction')
    if spec is None or spec.origin is None:
        return True  # no mmaction at all: nothing to patch
    package_dir = Path(spec.origin).parent
    return (package_dir / 'models' / 'localizers' / 'drn' / 'drn.py').exists()


def patch_missing_drn() -> bool:
    """Register the DRN stand-in if the wheel lacks it; returns whether it did."""
    if DRN_MODULE in sys.modules or mmaction_ships_drn():
        return False
    package = types.ModuleType(DRN_MODULE)
    package.__path__ = []  # a package, so that ``drn.drn`` resolves below it
    module = types.ModuleType(f'{DRN_MODULE}.drn')
    module.DRN = MissingDRN
    package.drn = module
    sys.modules[DRN_MODULE] = package
    sys.modules[f'{DRN_MODULE}.drn'] = module
    return True


def skip_multimodal_models_on_transformers_5() -> bool:
    """Keep ``import mmaction.models`` from importing VindLU if transformers >= 5
    is installed; returns whether it did. Reads package metadata only: neither
    transformers nor ``mmaction.models`` is imported."""
    if 'mmaction.models' in sys.modules:
        return False
    from mmaction.utils import dependency
    if dependency.WITH_MULTIMODAL and \
            dependency.satisfy_requirement('transformers>=5.0.0'):
        dependency.WITH_MULTIMODAL = False
        return True
    return False


def silence_mmcv_lite_warning() -> None:
    warnings.filterwarnings(
        'ignore', message='Fail to import ``MultiScaleDeformableAttention``')


def rotate_hue(img: np.ndarray, factor: float) -> np.ndarray:
    """Shift the hue of an RGB image by ``factor`` of a turn (OpenCV's 0-179 hue).

    Args:
        img: ``H x W x 3`` RGB, any real dtype (clipped to 0-255).
        factor: shift in [-0.5, 0.5].

    Returns:
        ``H x W x 3`` float32 RGB.
    """
    import cv2
    hsv = cv2.cvtColor(np.clip(img, 0, 255).astype(np.uint8), cv2.COLOR_RGB2HSV)
    hsv[..., 0] = (hsv[..., 0].astype(np.int16) + int(factor * 255)) % 180
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB).astype(np.float32)


def patch_color_jitter_hue() -> None:
    from mmaction.datasets.transforms.processing import ColorJitter
    ColorJitter.adjust_hue = staticmethod(rotate_hue)


def _history_buffer_state(self) -> dict:
    """``HistoryBuffer``'s data without its statistics methods."""
    return {k: v for k, v in self.__dict__.items() if k != 'statistics_methods'}


def checkpoint_safe_globals() -> list:
    """The non-tensor types of an mmengine checkpoint: data, no callables."""
    from mmengine.logging import HistoryBuffer
    multiarray = np._core.multiarray
    dtypes = [type(np.dtype(t)) for t in (
        np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16,
        np.uint32, np.uint64, np.float16, np.float32, np.float64)]
    return [HistoryBuffer, np.ndarray, np.dtype, *dtypes,
            multiarray._reconstruct, multiarray.scalar,
            # the names numpy 1 wrote them under
            (multiarray._reconstruct, 'numpy.core.multiarray._reconstruct'),
            (multiarray.scalar, 'numpy.core.multiarray.scalar')]


def allow_mmengine_checkpoints() -> None:
    import torch
    from mmengine.logging import HistoryBuffer
    HistoryBuffer.__getstate__ = _history_buffer_state
    torch.serialization.add_safe_globals(checkpoint_safe_globals())


def apply() -> None:
    """Apply every work-around; safe to call more than once."""
    patch_missing_drn()
    skip_multimodal_models_on_transformers_5()
    silence_mmcv_lite_warning()
    patch_color_jitter_hue()
    allow_mmengine_checkpoints()
