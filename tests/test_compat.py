import os
import subprocess
import sys

import pytest

from mmvididi import compat


def test_mmaction_models_imports_after_mmvididi():
    import mmaction.models  # noqa: F401  (fails on the bare 1.2.0 wheel)
    from mmaction.registry import MODELS
    assert 'ResNet3d' in MODELS.module_dict
    assert 'Recognizer3D' in MODELS.module_dict


def test_drn_stand_in_explains_what_is_missing():
    if compat.mmaction_ships_drn():
        pytest.skip('the installed mmaction ships DRN itself: nothing to patch')
    from mmaction.models.localizers import DRN
    with pytest.raises(ImportError, match='DRN is missing from the mmaction2'):
        DRN()


def test_apply_is_idempotent():
    before = sys.modules.get(compat.DRN_MODULE)
    compat.apply()
    assert compat.patch_missing_drn() is False
    assert sys.modules.get(compat.DRN_MODULE) is before


def test_mmaction_models_imports_beside_transformers_5(tmp_path):
    """A transformers 5 install (here a stand-in that must not be imported)
    does not break ``import mmaction.models``: VindLU gets placeholders."""
    (tmp_path / 'transformers').mkdir()
    (tmp_path / 'transformers' / '__init__.py').write_text(
        "raise ImportError('VindLU imported transformers 5')\n")
    (tmp_path / 'transformers-5.17.0.dist-info').mkdir()
    (tmp_path / 'transformers-5.17.0.dist-info' / 'METADATA').write_text(
        'Metadata-Version: 2.1\nName: transformers\nVersion: 5.17.0\n')
    script = ('import mmvididi, mmaction.models\n'
              'from mmaction.registry import MODELS\n'
              "assert 'VindLURetrieval' in MODELS.module_dict\n"
              "assert 'ResNet3d' in MODELS.module_dict\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(tmp_path), os.environ.get('PYTHONPATH', '')]))
    result = subprocess.run([sys.executable, '-c', script], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


def test_color_jitter_hue_works_on_numpy_2_for_negative_shifts():
    import cv2
    import numpy as np
    from mmaction.datasets.transforms import ColorJitter

    rng = np.random.default_rng(0)
    frames = [rng.integers(0, 256, (8, 8, 3), dtype=np.uint8) for _ in range(3)]
    jitter = ColorJitter(brightness=0, contrast=0, saturation=0, hue=(-0.1, -0.1))
    out = jitter(dict(imgs=[f.copy() for f in frames]))['imgs']

    for frame, got in zip(frames, out):
        hsv = cv2.cvtColor(frame, cv2.COLOR_RGB2HSV).astype(np.int64)
        hsv[..., 0] = (hsv[..., 0] - 25) % 180  # int(-0.1 * 255) = -25
        expected = cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2RGB)
        np.testing.assert_array_equal(got, expected)


def test_rotate_hue_wraps_large_shifts_modulo_180():
    import cv2
    import numpy as np
    img = np.full((1, 1, 3), (10, 200, 30), np.uint8)
    hue = int(cv2.cvtColor(img, cv2.COLOR_RGB2HSV)[0, 0, 0])
    out = compat.rotate_hue(img.astype(np.float32), 0.5)  # +127
    got = int(cv2.cvtColor(out.astype(np.uint8), cv2.COLOR_RGB2HSV)[0, 0, 0])
    assert abs(got - (hue + 127) % 180) <= 1  # HSV round trip rounds by 1


class CallsGetattr:
    """Pickles as getattr(HistoryBuffer, 'min'), as mmengine's buffers did."""

    def __reduce__(self):
        from mmengine.logging import HistoryBuffer
        return getattr, (HistoryBuffer, 'min')


class CallsSystem:
    def __reduce__(self):
        import os
        return os.system, ('echo unsafe',)


def test_mmengine_logs_load_weights_only(tmp_path):
    import numpy as np
    import torch
    from mmengine.logging import HistoryBuffer

    buffer = HistoryBuffer()
    buffer.update(1.5)
    buffer.update(2.5)
    torch.save(dict(log=buffer, eta=np.float64(3.0), ids=np.arange(3)),
               tmp_path / 'ckpt.pth')
    loaded = torch.load(tmp_path / 'ckpt.pth')  # weights_only=True by default
    assert loaded['log'].mean() == 2.0 and loaded['log'].current() == 2.5
    assert loaded['eta'] == 3.0 and loaded['ids'].tolist() == [0, 1, 2]


@pytest.mark.parametrize('payload', [CallsGetattr(), CallsSystem()])
def test_callables_in_checkpoints_are_still_refused(payload, tmp_path):
    import pickle

    import torch
    torch.save(dict(meta=payload), tmp_path / 'bad.pth')
    with pytest.raises(pickle.UnpicklingError, match='Weights only load failed'):
        torch.load(tmp_path / 'bad.pth')
