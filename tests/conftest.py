"""Shared fixtures: small real video files that the tests encode themselves."""
import os
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope
from mmengine.runner import Runner, set_random_seed

import mmvididi  # noqa: F401  (compat fixes and registration, as in a config)
from mmvididi.datasets.transforms.load_camera_motion import camera_file
from mmvididi.utils import write_video
from tests.tiny_configs import tiny_config

NUM_FRAMES, HEIGHT, WIDTH = 40, 64, 96

if os.environ.get('PYTEST_XDIST_WORKER'):
    # The README's test command runs a test on every core (pytest-xdist's
    # `-n auto`): one torch thread a test, in the processes it starts too,
    # rather than each test's threads fighting the others' for every core
    # (small tensors on an oversubscribed core take many times longer).
    os.environ['OMP_NUM_THREADS'] = '1'
    torch.set_num_threads(1)


def moving_frames(seed: int, num_frames: int = NUM_FRAMES, height: int = HEIGHT,
                  width: int = WIDTH) -> np.ndarray:
    """uint8 RGB frames: a textured background and a square that moves and
    flashes between 0 and 255, so that orders 1 and 2 reach +-255 and +-510."""
    rng = np.random.default_rng(seed)
    background = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    frames = np.repeat(background[None], num_frames, axis=0)
    for t in range(num_frames):
        x = (3 * t + t * t // 8) % (width - 12)  # accelerating
        frames[t, 20:32, x:x + 12] = 255 * (t % 2)
    return frames


@pytest.fixture
def one_torch_thread():
    """One torch thread for the test: many small tensor operations (block
    matching, the probes' L-BFGS steps) took far longer with two threads on a
    loaded 2-core machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope='session')
def lossless_video(tmp_path_factory) -> tuple:
    """(path, frames) of an FFV1 RGB video: decoding gives ``frames`` exactly."""
    frames = moving_frames(seed=0)
    path = write_video(tmp_path_factory.mktemp('videos') / 'lossless.mkv', frames)
    return path, frames


@pytest.fixture(scope='session')
def video_dir(tmp_path_factory) -> Path:
    """A folder of small lossy videos in the datasets' own formats, with a
    VideoDataset annotation file ``train.txt`` listing them and each video's
    camera file (a still camera, for configs with ``LoadCameraMotion``)."""
    root = tmp_path_factory.mktemp('dataset')
    names = []
    for i, (name, options) in enumerate([
            ('ClassA/v_ClassA_g01_c01.avi', dict(bf='2')),  # Xvid, B-frames
            ('ClassA/v_ClassA_g02_c01.avi', {}),
            ('ClassB/clip_000001_000011.mp4', {}),  # H.264, as Kinetics
            ('ClassB/clip_000002_000012.mp4', dict(bf='2')),
    ]):
        write_video(root / name, moving_frames(seed=i + 1), **options)
        np.save(camera_file(root / name),
                np.tile(np.eye(2, 3), (NUM_FRAMES, 1, 1)))
        names.append(f'{name} {i // 2}')
    (root / 'train.txt').write_text('\n'.join(names) + '\n')
    return root


@pytest.fixture(scope='module')
def one_batch(video_dir, tmp_path_factory):
    """One seeded training batch of 4 videos from the SimCLR config's
    dataloader."""
    cfg = tiny_config('vididi_simclr_r3d_ucf101.py', video_dir,
                      tmp_path_factory.mktemp('work'), batch_size=4)
    init_default_scope('mmaction')
    set_random_seed(0)  # ColorJitter draws its order of operations when built
    return next(iter(Runner.build_dataloader(cfg.train_dataloader, seed=0)))
