"""The pretraining configs exist, and the baseline twins differ from their ViDiDi
configs only in the orders. (That every config resolves and builds its model,
hooks, loops and datasets in a fresh process: tests/test_registration.py.)"""
import pytest
from mmengine import Config

from tests.tiny_configs import FRAMEWORKS, ROOT

CONFIGS = sorted(p.name for p in (ROOT / 'configs').glob('*.py'))


def test_the_expected_configs_exist():
    for framework in FRAMEWORKS:
        for name in (f'vididi_{framework}_r3d_ucf101.py',
                     f'vididi_{framework}_r3d_k400.py',
                     f'{framework}_r3d_ucf101.py'):
            assert name in CONFIGS
    assert 'vididi_simclr_r2plus1d_ucf101.py' in CONFIGS


@pytest.mark.parametrize('framework', FRAMEWORKS)
def test_baseline_twin_differs_only_in_the_orders(framework):
    vididi = Config.fromfile(ROOT / 'configs' / f'vididi_{framework}_r3d_ucf101.py')
    baseline = Config.fromfile(ROOT / 'configs' / f'{framework}_r3d_ucf101.py')
    assert baseline.model.orders == (0, )
    baseline.model.orders = vididi.model.orders
    assert baseline.to_dict() == vididi.to_dict()
