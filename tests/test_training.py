"""The Runner trains every framework from its config; resume; BYOL momentum."""
import math
import subprocess
import sys

import pytest
import torch
from mmengine.runner import Runner

from mmvididi.engine.hooks.target_momentum_hook import cosine_momentum
from tests.tiny_configs import FRAMEWORKS, ROOT, tiny_config


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


def test_tools_train_resumes_where_it_stopped(video_dir, tmp_path):
    work_dir = tmp_path / 'work'  # apart from the config: the runner writes
    cfg = tiny_config('vididi_byol_r3d_ucf101.py', video_dir, work_dir)
    cfg.dump(tmp_path / 'byol.py')  # a copy of its config into the work dir

    def train(*args):
        result = subprocess.run(
            [sys.executable, 'tools/train.py', str(tmp_path / 'byol.py'),
             '--work-dir', str(work_dir), *args], cwd=ROOT,
            capture_output=True, text=True)
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout + result.stderr

    train('--cfg-options', 'train_cfg.max_epochs=1')
    log = train('--resume', str(work_dir / 'epoch_1.pth'))
    assert 'resumed epoch: 1, iter: 2' in log
    assert 'Epoch(train) [2][2/2]' in log and 'Epoch(train) [1]' not in log
    assert 'order_a: 2  order_b: 0' in log  # the schedule went on
    state = torch.load(work_dir / 'epoch_2.pth')['state_dict']
    assert any(k.startswith('framework.target.backbone.') for k in state)


def test_cosine_momentum():
    assert cosine_momentum(0.99, 0, 100) == pytest.approx(0.99)
    assert cosine_momentum(0.99, 50, 100) == pytest.approx(0.995)
    assert cosine_momentum(0.99, 100, 100) == pytest.approx(1.0)
