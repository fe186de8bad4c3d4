"""Every top-level config loads, builds its model and dataset, and the baseline
twins differ from their ViDiDi configs only in the orders."""
import pytest
from mmaction.registry import DATASETS, MODELS
from mmengine import Config
from mmengine.registry import init_default_scope

from tests.tiny_configs import FRAMEWORKS, ROOT

CONFIGS = sorted(p.name for p in (ROOT / 'configs').glob('*.py'))


def test_the_expected_configs_exist():
    for framework in FRAMEWORKS:
        for name in (f'vididi_{framework}_r3d_ucf101.py',
                     f'vididi_{framework}_r3d_k400.py',
                     f'{framework}_r3d_ucf101.py'):
            assert name in CONFIGS
    assert 'vididi_simclr_r2plus1d_ucf101.py' in CONFIGS


@pytest.mark.parametrize('name', CONFIGS)
def test_config_builds_its_model_and_dataset(name, video_dir):
    cfg = Config.fromfile(ROOT / 'configs' / name)
    assert cfg.default_scope == 'mmaction'
    assert 'mmvididi' in cfg.custom_imports.imports
    init_default_scope('mmaction')
    model = MODELS.build(cfg.model)
    assert type(model).__name__ == 'ViDiDiRecognizer'
    assert model.orders == ((0, ) if not name.startswith('vididi') else (0, 1, 2))
    dataset_cfg = cfg.train_dataloader.dataset.copy()
    dataset_cfg.update(ann_file=str(video_dir / 'train.txt'),
                       data_prefix=dict(video=str(video_dir)))
    assert len(DATASETS.build(dataset_cfg)) == 4
    hooks = [hook.type for hook in cfg.custom_hooks]
    assert 'OrderPairScheduleHook' in hooks
    assert ('TargetMomentumHook' in hooks) == ('byol' in name)


@pytest.mark.parametrize('framework', FRAMEWORKS)
def test_baseline_twin_differs_only_in_the_orders(framework):
    vididi = Config.fromfile(ROOT / 'configs' / f'vididi_{framework}_r3d_ucf101.py')
    baseline = Config.fromfile(ROOT / 'configs' / f'{framework}_r3d_ucf101.py')
    assert baseline.model.orders == (0, )
    baseline.model.orders = vididi.model.orders
    assert baseline.to_dict() == vididi.to_dict()
