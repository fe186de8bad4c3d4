"""Linear probe and finetuning from a converted ViDiDi checkpoint."""
import subprocess
import sys

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from tests.tiny_configs import ROOT, tiny_config, tiny_recognition_config


@pytest.fixture(scope='module')
def converted(video_dir, tmp_path_factory):
    """A (BYOL: with a target net) ViDiDi checkpoint and its conversion."""
    tmp = tmp_path_factory.mktemp('convert')
    cfg = tiny_config('vididi_byol_r3d_ucf101.py', video_dir, tmp)
    init_default_scope('mmaction')
    torch.manual_seed(1)
    vididi = MODELS.build(cfg.model)
    torch.save(dict(state_dict=vididi.state_dict(), meta=dict(epoch=3)),
               tmp / 'epoch_3.pth')
    out = subprocess.run(
        [sys.executable, 'tools/model_converters/vididi_to_mmaction.py',
         str(tmp / 'epoch_3.pth'), str(tmp / 'backbone.pth')],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert 'backbone tensors' in out
    state = torch.load(tmp / 'backbone.pth')['state_dict']
    assert state.keys() == vididi.backbone.state_dict().keys()
    return tmp / 'backbone.pth', state


def backbone_state(model) -> dict:
    return {k: v.clone() for k, v in model.backbone.state_dict().items()}


@pytest.mark.parametrize('mode', ['linear', 'finetune'])
def test_recognition_trains_from_the_vididi_backbone(mode, converted, video_dir,
                                                     tmp_path):
    path, pretrained = converted
    cfg = tiny_recognition_config(f'r3d18_vididi_ucf101_split1_{mode}.py',
                                  video_dir, tmp_path, path)
    init_default_scope('mmaction')
    model = MODELS.build(cfg.model)
    model.init_weights()
    for key, value in backbone_state(model).items():
        assert torch.equal(value, pretrained[key]), key

    runner = Runner.from_cfg(cfg)
    runner.train()
    trained = backbone_state(runner.model)
    changed = [k for k in pretrained if not torch.equal(trained[k], pretrained[k])]
    if mode == 'linear':  # frozen weights and BatchNorm statistics
        assert changed == []
    else:
        assert any('conv' in k for k in changed)

    metrics = runner.test()  # 2 clips x 3 crops a video
    assert {'acc/top1', 'acc/top5', 'acc/mean1'} <= set(metrics)
    assert 0 <= metrics['acc/top1'] <= metrics['acc/top5'] == 1.0
