"""A checkpoint the Runner loads must fit the model's backbone
(CheckpointFitHook): one of another width, or without the backbone's prefix,
stops the test with an error naming it, where mmengine alone would test a
randomly initialised encoder; a supervised Recognizer3D checkpoint of the same
backbone loads into a ViDiDi config (its head and the missing neck skipped).
tools/test.py ends such a run with one line on stderr, not a traceback."""
import copy
import subprocess
import sys

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from mmvididi.utils.checkpoint_fit import CheckpointMismatchError
from mmvididi.utils.cli import USER_ERROR_STATUS
from tests.tiny_configs import ROOT, tiny_retrieval_config


@pytest.fixture
def retrieval_cfg(video_dir, tmp_path):
    """The tiny retrieval config (every video a query and in the gallery);
    ``load_from`` is set by each test."""
    videos = video_dir / 'train.txt'
    return tiny_retrieval_config(video_dir, tmp_path / 'work', tmp_path / 'none',
                                 videos, videos)


def save_state(model, path):
    torch.save(dict(state_dict=model.state_dict(), meta=dict(epoch=1)), path)
    return path


def save_wider(retrieval_cfg, path):
    """A checkpoint of the same model at twice the width."""
    init_default_scope('mmaction')
    wider = copy.deepcopy(retrieval_cfg.model)
    wider.backbone.base_channels = 16
    wider.neck.in_channels = 128
    return save_state(MODELS.build(wider), path)


def test_a_checkpoint_of_another_width_stops_the_test(retrieval_cfg, tmp_path):
    cfg = copy.deepcopy(retrieval_cfg)
    cfg.load_from = str(save_wider(retrieval_cfg, tmp_path / 'wider.pth'))
    with pytest.raises(CheckpointMismatchError,
                       match=r'wider\.pth does not fit the model: '
                       r'.* other shapes, e\.g\. \[.backbone\.conv1.*another '
                       'config'):
        Runner.from_cfg(cfg).test()


def test_a_backbone_without_its_prefix_stops_the_test(retrieval_cfg, tmp_path):
    init_default_scope('mmaction')
    model = MODELS.build(retrieval_cfg.model)
    backbone = {k[len('backbone.'):]: v for k, v in model.state_dict().items()
                if k.startswith('backbone.')}
    torch.save(dict(state_dict=backbone), tmp_path / 'backbone.pth')
    cfg = copy.deepcopy(retrieval_cfg)
    cfg.load_from = str(tmp_path / 'backbone.pth')
    with pytest.raises(CheckpointMismatchError,
                       match=r'backbone\.pth does not fit the model: .* '
                       r'weights are missing.* converted MMAction2'):
        Runner.from_cfg(cfg).test()


def test_a_recognizer3d_checkpoint_loads_its_backbone(retrieval_cfg, tmp_path):
    init_default_scope('mmaction')
    torch.manual_seed(1)
    supervised = MODELS.build(dict(
        type='Recognizer3D', backbone=copy.deepcopy(
            retrieval_cfg.model.backbone),
        cls_head=dict(type='I3DHead', num_classes=2, in_channels=64)))
    cfg = copy.deepcopy(retrieval_cfg)
    cfg.load_from = str(save_state(supervised, tmp_path / 'supervised.pth'))
    runner = Runner.from_cfg(cfg)
    runner.load_or_resume()
    loaded = runner.model.state_dict()
    for key, value in supervised.state_dict().items():
        if key.startswith('backbone.'):
            assert torch.equal(loaded[key], value), key
    assert not any(key.startswith('cls_head.') for key in loaded)


def test_tools_test_says_it_in_one_line(retrieval_cfg, tmp_path):
    """The command a user runs: a checkpoint of another width ends
    tools/test.py with ``error: checkpoint ... does not fit`` as the only line
    on stderr after the log, exit status 2, no traceback."""
    checkpoint = save_wider(retrieval_cfg, tmp_path / 'wider.pth')
    retrieval_cfg.dump(tmp_path / 'retrieval.py')
    result = subprocess.run(
        [sys.executable, 'tools/test.py', str(tmp_path / 'retrieval.py'),
         str(checkpoint), '--work-dir', str(tmp_path / 'test')],
        cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == USER_ERROR_STATUS, result.stderr[-3000:]
    assert 'Traceback' not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f'error: checkpoint {checkpoint} does not fit the '
                           'model: '), last
    assert last.endswith('Give that config, or change the model with '
                         'cfg_options.'), last
