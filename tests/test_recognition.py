"""Action recognition from a ViDiDi checkpoint, as the README runs it: convert,
linear probe, finetune, test; each command in its own process."""
import re

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.registry import init_default_scope

from tests.readme import cfg_options, run_readme_command
from tests.tiny_configs import tiny_config, tiny_recognition_config

CONVERT = ('python tools/model_converters/vididi_to_mmaction.py CHECKPOINT '
           'work_dirs/vididi_simclr_r3d_ucf101/backbone.pth')
TRAIN = 'python tools/train.py configs/recognition/r3d18_vididi_ucf101_split1_{}.py'
TEST = ('python tools/test.py configs/recognition/'
        'r3d18_vididi_ucf101_split1_finetune.py CHECKPOINT')


def backbone_of(path) -> dict:
    state = torch.load(path)['state_dict']
    return {k[len('backbone.'):]: v for k, v in state.items()
            if k.startswith('backbone.')}


def test_readme_recognition_commands(video_dir, tmp_path):
    # a (BYOL: with a target network) ViDiDi training checkpoint
    cfg = tiny_config('vididi_byol_r3d_ucf101.py', video_dir, tmp_path)
    init_default_scope('mmaction')
    torch.manual_seed(1)
    vididi = MODELS.build(cfg.model)
    torch.save(dict(state_dict=vididi.state_dict(), meta=dict(epoch=3)),
               tmp_path / 'epoch_3.pth')

    backbone = tmp_path / 'backbone.pth'
    out = run_readme_command(CONVERT, replace={
        'CHECKPOINT': tmp_path / 'epoch_3.pth',
        'work_dirs/vididi_simclr_r3d_ucf101/backbone.pth': backbone},
        cwd=tmp_path).stdout
    pretrained = torch.load(backbone)['state_dict']
    assert f'{backbone}: {len(pretrained)} backbone tensors' in out
    assert pretrained.keys() == vididi.backbone.state_dict().keys()
    for key, value in vididi.backbone.state_dict().items():
        assert torch.equal(pretrained[key], value), key

    work_dirs = {}
    for mode in ('linear', 'finetune'):
        name = f'recognition/r3d18_vididi_ucf101_split1_{mode}.py'
        shrunk = tiny_recognition_config(name.split('/')[1], video_dir,
                                         tmp_path / mode, backbone)
        work_dirs[mode] = tmp_path / mode
        log = run_readme_command(
            TRAIN.format(mode), '--work-dir', work_dirs[mode], '--cfg-options',
            *cfg_options(name, shrunk), cwd=tmp_path)
        log = log.stdout + log.stderr
        assert 'Epoch(val) [1][2/2]' in log and 'acc/top1' in log
        trained = backbone_of(work_dirs[mode] / 'epoch_1.pth')
        changed = [k for k in pretrained
                   if not torch.equal(trained[k], pretrained[k])]
        if mode == 'linear':  # frozen weights and BatchNorm statistics
            assert changed == []
        else:
            assert any('conv' in k for k in changed)
            assert any('running_mean' in k for k in changed)

    best = list(work_dirs['finetune'].glob('best_acc_top1_epoch_*.pth'))
    assert len(best) == 1  # the README's glob names one file
    result = run_readme_command(
        TEST, '--work-dir', tmp_path / 'test', '--cfg-options',
        *cfg_options('recognition/r3d18_vididi_ucf101_split1_finetune.py',
                     shrunk), replace={'CHECKPOINT': best[0]}, cwd=tmp_path)
    metrics = dict(re.findall(r'(acc/\w+): ([\d.]+)',
                              result.stdout + result.stderr))
    assert set(metrics) == {'acc/top1', 'acc/top5', 'acc/mean1'}
    # 2 classes: the true one is always among the top 5
    assert 0 <= float(metrics['acc/top1']) <= float(metrics['acc/top5']) == 1.0
    assert float(metrics['acc/top1']) == pytest.approx(
        float(metrics['acc/mean1']))  # 2 videos of each class
