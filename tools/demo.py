"""Run ViDiDi's pretraining input on real videos that this script encodes itself.

    python tools/demo.py [--work-dir work_dirs/demo] [--num-videos 8]

Writes small AVI (Xvid, as UCF101) and MP4 (H.264, as Kinetics) files of moving
squares, builds the pretraining dataloader from the UCF101 dataset config with
those files in place of UCF101, and checks every sample: two views, T frames in
each of the orders 0, 1, 2, each order the forward difference of the one before.
No download is needed.
"""
import argparse
import time
from pathlib import Path

import numpy as np
from mmengine import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

import mmvididi  # noqa: F401  (registers the transforms)
from mmvididi.utils import write_video

CONFIG = 'configs/_base_/datasets/ucf101_split1_pretrain.py'


def moving_squares(rng: np.random.Generator, num_frames: int = 48,
                   size: tuple = (120, 160)) -> np.ndarray:
    """uint8 RGB frames of a square crossing a textured background."""
    height, width = size
    background = rng.integers(40, 216, (height, width, 3), dtype=np.uint8)
    frames = np.repeat(background[None], num_frames, axis=0)
    x, y = rng.integers(0, width - 24), rng.integers(0, height - 24)
    vx, vy = rng.integers(-4, 5, size=2)
    colour = rng.integers(0, 256, 3, dtype=np.uint8)
    for t in range(num_frames):
        left, top = (x + vx * t) % (width - 24), (y + vy * t) % (height - 24)
        frames[t, top:top + 24, left:left + 24] = colour
    return frames


def write_videos(root: Path, num_videos: int, seed: int = 0) -> Path:
    """Encode the videos and their VideoDataset annotation file."""
    rng = np.random.default_rng(seed)
    lines = []
    for i in range(num_videos):
        name = f'class{i % 2}/video{i:03d}.' + ('avi' if i % 2 else 'mp4')
        write_video(root / 'videos' / name, moving_squares(rng))
        lines.append(f'{name} {i % 2}')
    ann_file = root / 'train_videos.txt'
    ann_file.write_text('\n'.join(lines) + '\n')
    return ann_file


def check_sample(inputs: np.ndarray, clip_len: int) -> None:
    """Views x orders x T x H x W x C: each order differentiates the one below."""
    assert inputs.shape[:3] == (2, 3, clip_len), inputs.shape
    for order in (1, 2):
        np.testing.assert_array_equal(inputs[:, order, :-1],
                                      np.diff(inputs[:, order - 1], axis=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--work-dir', type=Path, default=Path('work_dirs/demo'))
    parser.add_argument('--num-videos', type=int, default=8)
    parser.add_argument('--epochs', type=int, default=2)
    args = parser.parse_args()

    print(f'Encoding {args.num_videos} videos under {args.work_dir} ...')
    ann_file = write_videos(args.work_dir, args.num_videos)

    cfg = Config.fromfile(CONFIG)
    cfg.train_dataloader.update(batch_size=4, num_workers=2)
    for transform in cfg.train_dataloader.dataset.pipeline:
        if transform.type == 'TemporalDerivative':  # show the orders here
            transform.compute_on = 'host'  # (training computes them on the GPU)
    cfg.train_dataloader.dataset.update(
        ann_file=str(ann_file), data_prefix=dict(video=str(ann_file.parent / 'videos')))
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    loader = Runner.build_dataloader(cfg.train_dataloader)

    clips, start = 0, time.perf_counter()
    for epoch in range(args.epochs):
        for step, batch in enumerate(loader):
            for inputs in batch['inputs']:
                check_sample(inputs.numpy(), cfg.clip_len)
            clips += len(batch['inputs'])
            shape = tuple(batch['inputs'][0].shape)
            print(f'epoch {epoch + 1} batch {step + 1}/{len(loader)}: '
                  f'{len(batch["inputs"])} videos, each views x orders x T x H '
                  f'x W x C = {shape}, {batch["inputs"][0].dtype}')
    seconds = time.perf_counter() - start
    print(f'OK: {clips} videos, 2 views each, orders (0, 1, 2) of T = '
          f'{cfg.clip_len} frames, checked; {clips / seconds:.1f} videos/s '
          'with 2 workers.')


if __name__ == '__main__':
    main()
