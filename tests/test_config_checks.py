"""Bad configs fail at start, naming the key and the fix, from every entry
point: ViDiDiHook checks them before the run."""
import subprocess
import sys

import pytest
from mmaction.registry import MODELS
from mmengine import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from mmvididi.utils import check_vididi_config, exit_on_user_error
from mmvididi.utils.cli import USER_ERROR_STATUS
from mmvididi.utils.config_checks import (check_seeded_loader,
                                          innermost_dataset_cfg)
from mmvididi.utils.config_loading import ConfigNotFoundError
from tests.tiny_configs import ROOT, tiny_config

CONFIG = ROOT / 'configs/vididi_simclr_r3d_ucf101.py'


def views(cfg):
    return next(t for t in innermost_dataset_cfg(cfg.train_dataloader.dataset)
                .pipeline if t.type == 'MultiView').transforms[0]


def test_the_shipped_configs_pass():
    for path in sorted((ROOT / 'configs').rglob('*.py')):
        cfg = Config.fromfile(path)
        check_vididi_config(cfg)
        check_seeded_loader(cfg)


@pytest.mark.parametrize('change, match', [
    (lambda c: c.model.update(orders=(0, 1, 5)),
     r'model.orders: orders=\(0, 1, 5\) is not valid; give distinct integers'),
    (lambda c: c.merge_from_dict(
        {'train_dataloader.dataset.dataset.pipeline.2.orders': (0, 1)}),
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


def test_tools_train_refuses_before_training(video_dir, tmp_path):
    tiny_config('vididi_simclr_r3d_ucf101.py', video_dir,
                tmp_path / 'work').dump(tmp_path / 'simclr.py')
    result = subprocess.run(
        [sys.executable, 'tools/train.py', str(tmp_path / 'simclr.py'),
         '--cfg-options', 'train_dataloader.batch_size=1'],
        cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0
    assert 'ValueError: train_dataloader.batch_size=1: SimCLR compares' in \
        result.stderr
    assert 'Epoch(train)' not in result.stdout + result.stderr
    assert not list((tmp_path / 'work').rglob('*.pth'))


def test_runner_from_cfg_checks_too(video_dir, tmp_path):
    """Runner.from_cfg(cfg).train(), as mim and the demo run: refused before
    the first iteration, nothing saved."""
    cfg = tiny_config('vididi_simclr_r3d_ucf101.py', video_dir, tmp_path)
    views(cfg)[0].update(clip_len=2)
    runner = Runner.from_cfg(cfg)
    with pytest.raises(ValueError, match=r'SampleFrames clip_len=2 .* too short'):
        runner.train()
    assert runner.iter == 0 and not list(tmp_path.glob('*.pth'))


@pytest.mark.parametrize('change', ['sampler', 'wrapper'])
def test_a_sampler_without_its_wrapper_is_refused(change):
    cfg = Config.fromfile(CONFIG)
    loader = cfg.train_dataloader
    if change == 'sampler':
        loader.sampler = dict(type='DefaultSampler', shuffle=True)
    else:
        loader.dataset = loader.dataset.dataset
    with pytest.raises(ValueError, match=r'ReproducibleSampler and the '
                       r'ReproducibleDataset wrapper \(outermost\) come '
                       r'together; use both'):
        check_seeded_loader(cfg)


@pytest.mark.parametrize('tool', ['train.py', 'test.py'])
def test_a_missing_config_is_one_line_naming_it(tool, tmp_path):
    missing = tmp_path / 'no_such_config.py'
    (tmp_path / 'model.pth').touch()  # tools/test.py checks that it exists
    args = [str(missing)] + ([str(tmp_path / 'model.pth')]
                             if tool == 'test.py' else [])
    result = subprocess.run([sys.executable, f'tools/{tool}', *args], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr == f'error: config file {missing} does not exist; ' \
        'give the path of a config, e.g. configs/vididi_simclr_r3d_ucf101.py.\n'


@pytest.mark.parametrize('args, message', [
    (['CONFIG', 'nowhere.pth'], 'checkpoint nowhere.pth does not exist; give '
     'the path of a .pth file or its URL.'),
    (['CONFIG', 'CONFIG', '--dump', 'out.json'],
     '--dump out.json: give a .pkl file.'),
])
def test_tools_test_checks_its_arguments_first(args, message):
    """A missing checkpoint (CheckpointNotFoundError), or a --dump that is not
    a .pkl (argparse), ends with one line, exit status 2, before any model is
    built."""
    config = 'configs/retrieval/vididi_r3d_ucf101_split1.py'
    args = [config if arg == 'CONFIG' else arg for arg in args]
    result = subprocess.run([sys.executable, 'tools/test.py', *args], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].endswith(
        f'error: {message}'), result.stderr


def test_tools_train_names_a_missing_load_from(video_dir, tmp_path):
    """tools/train.py with a load_from that is not there: the local checkpoint
    loader's CheckpointNotFoundError, one line, exit status 2."""
    cfg = tiny_config('vididi_simclr_r3d_ucf101.py', video_dir,
                      tmp_path / 'work')
    cfg.dump(tmp_path / 'simclr.py')
    missing = tmp_path / 'nowhere.pth'
    result = subprocess.run(
        [sys.executable, 'tools/train.py', str(tmp_path / 'simclr.py'),
         '--cfg-options', f'load_from={missing}'],
        cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == USER_ERROR_STATUS, result.stderr[-3000:]
    assert 'Traceback' not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f'error: checkpoint {missing} does not exist; give the path of a .pth '
        'file or its URL.')


def test_other_errors_keep_their_traceback():
    """exit_on_user_error only turns the user's mistakes into one line."""
    with pytest.raises(SystemExit) as stopped:
        with exit_on_user_error():
            raise ConfigNotFoundError('config file x.py does not exist')
    assert stopped.value.code == USER_ERROR_STATUS
    with pytest.raises(KeyError):
        with exit_on_user_error():
            raise KeyError('a bug')


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
