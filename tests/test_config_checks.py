"""Bad configs fail when built, naming the key and the fix."""
import subprocess
import sys

import pytest
from mmaction.registry import MODELS
from mmengine import Config
from mmengine.registry import init_default_scope

from mmvididi.utils import check_vididi_config
from tests.tiny_configs import ROOT, tiny_config

CONFIG = ROOT / 'configs/vididi_simclr_r3d_ucf101.py'


def views(cfg):
    return next(t for t in cfg.train_dataloader.dataset.pipeline
                if t.type == 'MultiView').transforms[0]


def test_the_shipped_configs_pass():
    for path in sorted((ROOT / 'configs').glob('*.py')):
        check_vididi_config(Config.fromfile(path))


@pytest.mark.parametrize('change, match', [
    (lambda c: c.model.update(orders=(0, 1, 5)),
     r'model.orders: orders=\(0, 1, 5\) is not valid; give distinct integers'),
    (lambda c: c.merge_from_dict({'train_dataloader.dataset.pipeline.2.orders':
                                  (0, 1)}),
     r'model.orders=\(0, 1, 2\) .* use orders \[2\] that the training pipeline '
     r'does not produce .*add them to TemporalDerivative.orders'),
    (lambda c: views(c)[0].update(clip_len=2),
     r'SampleFrames clip_len=2 .* too short for orders up to 2: set clip_len '
     r'= T \+ 2'),
    (lambda c: c.train_dataloader.update(batch_size=1),
     r'train_dataloader.batch_size=1: SimCLR compares the videos of a batch'),
])
def test_bad_training_configs_are_refused(change, match):
    cfg = Config.fromfile(CONFIG)
    change(cfg)
    with pytest.raises(ValueError, match=match):
        check_vididi_config(cfg)


def test_tools_train_refuses_before_training(tmp_path):
    result = subprocess.run(
        [sys.executable, 'tools/train.py', str(CONFIG), '--work-dir',
         str(tmp_path), '--cfg-options', 'train_dataloader.batch_size=1'],
        cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0
    assert 'train_dataloader.batch_size=1' in result.stderr
    assert not list(tmp_path.iterdir())  # nothing started


@pytest.mark.parametrize('framework, change, match', [
    ('simclr', lambda m: m.neck.update(in_channels=32),
     r'model.neck.in_channels=32, but model.backbone gives 64 channels; set '
     r'model.neck.in_channels=64'),
    ('byol', lambda m: m.framework.predictor.update(in_channels=16),
     r'model.framework.predictor.in_channels=16, but the projector gives 32'),
])
def test_mismatched_projector_dims_fail_when_built(framework, change, match,
                                                   video_dir, tmp_path):
    cfg = tiny_config(f'vididi_{framework}_r3d_ucf101.py', video_dir, tmp_path)
    change(cfg.model)
    init_default_scope('mmaction')
    with pytest.raises(ValueError, match=match):
        MODELS.build(cfg.model)
