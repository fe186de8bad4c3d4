"""A checkpoint the Runner loads must fit the model's backbone
(CheckpointFitHook): one of another width, or without the backbone's prefix,
stops the test with an error naming it, where mmengine alone would test a
randomly initialised encoder; a supervised Recognizer3D checkpoint of the same
backbone loads into a ViDiDi config (its head and the missing neck skipped)."""
import copy

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from tests.tiny_configs import tiny_retrieval_config


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


def test_a_checkpoint_of_another_width_stops_the_test(retrieval_cfg, tmp_path):
    init_default_scope('mmaction')
    wider = copy.deepcopy(retrieval_cfg.model)
    wider.backbone.base_channels = 16
    wider.neck.in_channels = 128
    cfg = copy.deepcopy(retrieval_cfg)
    cfg.load_from = str(save_state(MODELS.build(wider), tmp_path / 'wider.pth'))
    with pytest.raises(ValueError, match=r'wider\.pth does not fit the model: '
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
    with pytest.raises(ValueError, match=r'backbone\.pth does not fit the model'
                       r': .* weights are missing.* converted MMAction2'):
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
