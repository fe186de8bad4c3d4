"""A killed run, resumed, ends bitwise where an uninterrupted run ends."""
import pytest
import torch
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mmvididi.datasets import ReproducibleSampler, SkipBrokenVideoDataset
from tests.tiny_configs import tiny_config


class Killed(Exception):
    pass


class KillAt(Hook):
    """Stops the process' training at an iteration, as a kill would."""

    def __init__(self, iteration: int) -> None:
        self.iteration = iteration

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter == self.iteration:
            raise Killed


def byol_run(video_dir, work_dir):
    cfg = tiny_config('vididi_byol_r3d_ucf101.py', video_dir, work_dir,
                      epochs=3)
    cfg.randomness = dict(seed=7, deterministic=True)
    cfg.train_dataloader.update(num_workers=1, persistent_workers=True)
    cfg.custom_hooks[0].mode = 'random'  # the schedule's seed matters too
    return cfg


def test_resumed_run_matches_the_uninterrupted_one_bitwise(video_dir, tmp_path):
    Runner.from_cfg(byol_run(video_dir, tmp_path / 'straight')).train()

    killed = Runner.from_cfg(byol_run(video_dir, tmp_path / 'killed'))
    killed.register_hook(KillAt(iteration=3))  # in epoch 2, after epoch_1.pth
    with pytest.raises(Killed):
        killed.train()
    cfg = byol_run(video_dir, tmp_path / 'killed')
    cfg.resume = True  # tools/train.py --resume: the latest checkpoint
    resumed = Runner.from_cfg(cfg)
    resumed.train()
    assert resumed.iter == 6

    straight = torch.load(tmp_path / 'straight' / 'epoch_3.pth')
    again = torch.load(tmp_path / 'killed' / 'epoch_3.pth')
    assert any(k.startswith('framework.target.') for k in straight['state_dict'])
    for key, value in straight['state_dict'].items():  # model and EMA target
        assert torch.equal(value, again['state_dict'][key]), key
    for group, other in zip(straight['optimizer']['param_groups'],
                            again['optimizer']['param_groups']):
        assert group['lr'] == other['lr']
    for index, state in straight['optimizer']['state'].items():
        for name, value in state.items():
            assert torch.equal(value, again['optimizer']['state'][index][name])
    assert straight['meta']['order_pair_schedule'] == \
        again['meta']['order_pair_schedule']


def test_a_sample_is_augmented_by_seed_epoch_and_index_only(video_dir):
    from mmengine import Config
    from mmengine.registry import init_default_scope
    cfg = Config.fromfile('configs/_base_/datasets/ucf101_split1_pretrain.py')
    init_default_scope('mmaction')
    dataset = SkipBrokenVideoDataset(
        str(video_dir / 'train.txt'), data_prefix=dict(video=str(video_dir)),
        pipeline=cfg.train_pipeline)
    first = dataset[(2, 5, 11)]['inputs']
    dataset[(0, 0, 0)]  # anything in between
    assert torch.equal(dataset[(2, 5, 11)]['inputs'], first)
    assert not torch.equal(dataset[(2, 6, 11)]['inputs'], first)  # next epoch

    sampler = ReproducibleSampler(dataset, shuffle=True, seed=11)
    sampler.set_epoch(5)
    assert {s for s in sampler} == {(i, 5, 11) for i in range(4)}
