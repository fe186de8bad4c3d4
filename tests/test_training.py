"""The Runner trains every framework from its config; resume; BYOL momentum."""
import math

import pytest
import torch
from mmengine.runner import Runner

from mmvididi.engine.hooks.target_momentum_hook import cosine_momentum
from tests.readme import cfg_options, run_readme_command
from tests.tiny_configs import FRAMEWORKS, tiny_config

PRETRAIN = 'python tools/train.py configs/vididi_simclr_r3d_ucf101.py'
RESUME = 'python tools/train.py configs/vididi_simclr_r3d_ucf101.py --resume'


def logged(runner, key: str) -> list:
    return list(runner.message_hub.get_scalar(f'train/{key}').data[0])


@pytest.mark.parametrize('framework', FRAMEWORKS)
def test_runner_trains_each_framework_from_its_config(framework, video_dir,
                                                      tmp_path):
    cfg = tiny_config(f'vididi_{framework}_r3d_ucf101.py', video_dir, tmp_path)
    runner = Runner.from_cfg(cfg)
    runner.train()

    losses = logged(runner, 'loss')
    assert len(losses) == 4 and all(math.isfinite(x) for x in losses)
    pairs = list(zip(logged(runner, 'order_a'), logged(runner, 'order_b')))
    assert pairs == [(0, 1), (1, 0), (0, 2), (2, 0)]  # alternating
    if framework == 'byol':
        momentum = logged(runner, 'target_momentum')
        assert momentum[0] == pytest.approx(0.99) and momentum[-1] < 1
        assert momentum == sorted(momentum)
    # checkpoints load with torch.load's default weights_only=True
    checkpoint = torch.load(tmp_path / 'epoch_2.pth')
    assert checkpoint['meta']['order_pair_schedule']['mode'] == 'alternate'


def test_readme_resume_command_goes_on_where_it_stopped(video_dir, tmp_path):
    """The README's pretraining command for one epoch, then its --resume
    command (no path: the work dir's last checkpoint) for the second."""
    work_dir = tmp_path / 'work'
    cfg = tiny_config('vididi_simclr_r3d_ucf101.py', video_dir, work_dir)
    options = cfg_options('vididi_simclr_r3d_ucf101.py', cfg)
    run_readme_command(PRETRAIN, '--work-dir', work_dir, '--cfg-options',
                       *options, 'train_cfg.max_epochs=1', cwd=tmp_path)
    result = run_readme_command(RESUME, '--work-dir', work_dir,
                                '--cfg-options', *options, cwd=tmp_path)
    log = result.stdout + result.stderr
    assert 'resumed epoch: 1, iter: 2' in log
    assert 'not defined in message_hub' not in log  # nothing left behind
    assert 'Epoch(train) [2][2/2]' in log and 'Epoch(train) [1]' not in log
    assert 'order_a: 0  order_b: 2' in log  # the schedule went on: 3rd pair
    assert 'order_a: 0  order_b: 1' not in log
    state = torch.load(work_dir / 'epoch_2.pth')
    assert state['meta']['order_pair_schedule']['mode'] == 'alternate'


def test_cosine_momentum():
    assert cosine_momentum(0.99, 0, 100) == pytest.approx(0.99)
    assert cosine_momentum(0.99, 50, 100) == pytest.approx(0.995)
    assert cosine_momentum(0.99, 100, 100) == pytest.approx(1.0)
