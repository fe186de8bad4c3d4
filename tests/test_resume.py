"""A killed run, resumed, ends bitwise where an uninterrupted run ends; each
clip's augmentation is seeded by ReproducibleDataset, under MMAction2's
dataset wrappers too."""
import pytest
import torch
from mmengine.hooks import Hook
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from mmvididi.datasets import ReproducibleDataset, ReproducibleSampler
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
    cfg.default_hooks.pair_schedule.mode = 'random'  # its seed matters too
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


def pretrain_dataset(video_dir, **kwargs):
    """The pretraining config's SkipBrokenVideoDataset on the test videos."""
    from mmengine import Config
    cfg = Config.fromfile('configs/_base_/datasets/ucf101_split1_pretrain.py')
    return dict(type='SkipBrokenVideoDataset', ann_file=str(video_dir / 'train.txt'),
                data_prefix=dict(video=str(video_dir)),
                pipeline=cfg.train_pipeline, **kwargs)


def test_a_sample_is_augmented_by_seed_epoch_and_index_only(video_dir):
    init_default_scope('mmaction')
    dataset = ReproducibleDataset(pretrain_dataset(video_dir))
    first = dataset[(2, 5, 11)]['inputs']
    dataset[(0, 0, 0)]  # anything in between
    assert torch.equal(dataset[(2, 5, 11)]['inputs'], first)
    assert not torch.equal(dataset[(2, 6, 11)]['inputs'], first)  # next epoch
    assert not torch.equal(dataset[(2, 5, 12)]['inputs'], first)  # other seed

    sampler = ReproducibleSampler(dataset, shuffle=True, seed=11)
    sampler.set_epoch(5)
    assert {s for s in sampler} == {(i, 5, 11) for i in range(4)}


@pytest.mark.parametrize('wrapper', ['RepeatDataset', 'ConcatDataset'])
def test_mmaction_wrappers_work_inside_it(wrapper, video_dir):
    """The wrapped dataset gets plain indices; a sample is the one of the
    inner dataset, augmented by (index, epoch, seed) of the outer index."""
    init_default_scope('mmaction')
    inner = pretrain_dataset(video_dir)
    wrapped = dict(type='RepeatDataset', times=2, dataset=inner) \
        if wrapper == 'RepeatDataset' else \
        dict(type='ConcatDataset', datasets=[inner, inner])
    dataset = ReproducibleDataset(wrapped)
    assert len(dataset) == 8
    plain = ReproducibleDataset(inner)
    # index 6 is video 2 of the second copy: same video, another seed
    assert dataset.get_data_info(6)['filename'] == \
        plain.get_data_info(2)['filename']
    got = dataset[(6, 1, 3)]['inputs']
    assert torch.equal(dataset[(6, 1, 3)]['inputs'], got)
    assert not torch.equal(plain[(2, 1, 3)]['inputs'], got)

    loader = Runner.build_dataloader(dict(
        batch_size=4, num_workers=0,
        sampler=dict(type='ReproducibleSampler', shuffle=True),
        dataset=dict(type='ReproducibleDataset', dataset=wrapped)), seed=3)
    batches = list(loader)
    assert [len(b['inputs']) for b in batches] == [4, 4]
    # the loader's own dataset (ColorJitter draws its order when built)
    assert torch.equal(torch.stack(batches[0]['inputs'] + batches[1]['inputs']),
                       torch.stack([loader.dataset[i]['inputs']
                                    for i in loader.sampler]))


def test_sampler_and_wrapper_come_together(video_dir):
    init_default_scope('mmaction')
    with pytest.raises(TypeError, match=r"ReproducibleSampler yields .* the "
                       r"dataset is a SkipBrokenVideoDataset; wrap it, "
                       r"outermost: dataset=dict\(type='ReproducibleDataset'"):
        Runner.build_dataloader(dict(
            batch_size=2, sampler=dict(type='ReproducibleSampler'),
            dataset=pretrain_dataset(video_dir)))
    with pytest.raises(TypeError, match=r"ReproducibleDataset got the index 1, "
                       r"not \(index, epoch, seed\).*ReproducibleSampler"):
        ReproducibleDataset(pretrain_dataset(video_dir))[1]
