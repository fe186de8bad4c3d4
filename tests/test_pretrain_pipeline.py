"""The pretraining input built from the dataset configs, on real video files."""
import random

import numpy as np
import pytest
import torch
from mmengine import Config
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from mmvididi.utils.config_checks import innermost_dataset_cfg
from mmvididi.video import PyAVVideo
from tests.references import binomial_reference

CONFIGS = ['configs/_base_/datasets/ucf101_split1_pretrain.py',
           'configs/_base_/datasets/hmdb51_split1_pretrain.py',
           'configs/_base_/datasets/kinetics400_pretrain.py']


def config_on(video_dir, path=CONFIGS[0], compute_on='host') -> Config:
    """A dataset config on the test videos, derivatives computed on the host
    (the configs' default is 'device': see test_device_path_...)."""
    cfg = Config.fromfile(path)
    cfg.train_dataloader.update(batch_size=3, num_workers=0,
                                persistent_workers=False)
    innermost_dataset_cfg(cfg.train_dataloader.dataset).update(
        ann_file=str(video_dir / 'train.txt'),
        data_prefix=dict(video=str(video_dir)))
    for transform in pipeline_of(cfg):
        if transform.type == 'TemporalDerivative':
            transform.compute_on = compute_on
    return cfg


def pipeline_of(cfg: Config) -> list:
    """The training pipeline, inside the dataset wrappers."""
    return innermost_dataset_cfg(cfg.train_dataloader.dataset).pipeline


def test_device_path_passes_the_frames_for_the_preprocessor(video_dir):
    """compute_on='device' (the configs' default): T + 2 uint8 frames a view
    cross to the device, where ViDiDiDataPreprocessor makes the same orders."""
    from mmvididi.models import ViDiDiDataPreprocessor
    batches = {}
    for compute_on in ('device', 'host'):
        cfg = config_on(video_dir, compute_on=compute_on)
        cfg.train_dataloader.sampler.shuffle = False
        init_default_scope('mmaction')
        np.random.seed(0)
        random.seed(0)
        batches[compute_on] = next(iter(Runner.build_dataloader(
            cfg.train_dataloader)))
    frames = batches['device']['inputs'][0]
    assert tuple(frames.shape) == (2, cfg.clip_len + 2, 112, 112, 3)
    assert str(frames.dtype) == 'torch.uint8'
    orders = {key: ViDiDiDataPreprocessor(orders=(0, 1, 2))(batch)['inputs']
              for key, batch in batches.items()}
    for order in (0, 1, 2):
        assert torch.equal(orders['device'][order], orders['host'][order])


def run_seeded(pipeline_cfg, sample: dict, seed: int) -> dict:
    """Build and run a pipeline with all randomness from ``seed``."""
    init_default_scope('mmaction')
    random.seed(seed)
    np.random.seed(seed)
    pipeline = Compose(pipeline_cfg)
    random.seed(seed + 1)
    np.random.seed(seed + 1)
    return pipeline(dict(sample))


@pytest.mark.parametrize('path', CONFIGS)
def test_dataloader_gives_both_views_in_every_order(video_dir, path):
    cfg = config_on(video_dir, path)
    assert innermost_dataset_cfg(
        cfg.train_dataloader.dataset).ann_file.endswith('train.txt')
    init_default_scope('mmaction')
    batch = next(iter(Runner.build_dataloader(cfg.train_dataloader)))

    assert len(batch['inputs']) == 3  # of 4 videos: drop_last
    for inputs, sample in zip(batch['inputs'], batch['data_samples']):
        # views x orders x T x H x W x C, exact int16
        assert tuple(inputs.shape) == (2, 3, cfg.clip_len, 112, 112, 3)
        assert str(inputs.dtype) == 'torch.int16'
        assert tuple(sample.derivative_orders) == (0, 1, 2)
        assert sample.gt_label.item() in (0, 1)


@pytest.mark.parametrize('seed', [0, 1])
def test_config_pipeline_equals_the_reference_on_augmented_frames(
        video_dir, seed):
    """Same seed with and without TemporalDerivative: the orders it returns are
    the derivatives of the augmented frames, both views, T frames each."""
    cfg = config_on(video_dir)
    sample = dict(filename=str(video_dir / 'ClassA/v_ClassA_g01_c01.avi'),
                  label=0, start_index=0, modality='RGB')
    up_to_views = [t for t in pipeline_of(cfg)
                   if t.type in ('VideoInit', 'MultiView')]

    packed = run_seeded(pipeline_of(cfg), sample, seed)
    views = run_seeded(up_to_views, sample, seed)['imgs']

    T = cfg.clip_len
    assert views.shape == (2, T + 2, 112, 112, 3) and views.dtype == np.uint8
    assert not np.array_equal(views[0], views[1])  # own offset / augmentation
    inputs = packed['inputs'].numpy()
    assert inputs.shape == (2, 3, T, 112, 112, 3)
    for view in range(2):
        for i, order in enumerate((0, 1, 2)):
            np.testing.assert_array_equal(
                inputs[view, i], binomial_reference(views[view], order, T))


def test_frames_are_decoded_once_per_view(video_dir, monkeypatch):
    calls = []
    original = PyAVVideo._decode

    def counting_decode(video, wanted):
        calls.append(len(wanted))
        return original(video, wanted)

    monkeypatch.setattr(PyAVVideo, '_decode', counting_decode)
    cfg = config_on(video_dir)
    run_seeded(pipeline_of(cfg),
               dict(filename=str(video_dir / 'ClassB/clip_000001_000011.mp4'),
                    label=1, start_index=0, modality='RGB'), seed=0)
    # one decode of T + 2 frames per view (the default backend, PyAV), none
    # for the derivative orders
    assert calls == [cfg.clip_len + 2] * 2


def test_sampled_frames_match_an_independent_decoder(video_dir):
    """Frames the config's sampling decodes equal PyAV's decode of the file."""
    import av
    cfg = config_on(video_dir)
    name = 'ClassA/v_ClassA_g01_c01.avi'  # Xvid with B-frames, as UCF101
    sampling = [dict(type='VideoInit'),
                dict(type='MultiView', num_views=2,
                     transforms=[cfg.view_pipeline[:2]])]
    out = run_seeded(sampling, dict(filename=str(video_dir / name),
                                    start_index=0, modality='RGB'), seed=0)
    with av.open(str(video_dir / name)) as container:
        decoded = np.stack([f.to_ndarray(format='rgb24')
                            for f in container.decode(video=0)])
    for view, inds in zip(out['imgs'], out['frame_inds']):
        assert len(inds) == cfg.clip_len + 2
        assert set(np.diff(inds)) == {cfg.frame_interval}
        np.testing.assert_array_equal(view, decoded[inds])
