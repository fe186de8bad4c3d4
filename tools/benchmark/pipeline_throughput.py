"""Input pipeline throughput: ViDiDi's pipeline against MMAction2's stock one.

    python tools/benchmark/pipeline_throughput.py [--videos 24] [--clips 200]
        [--clip-len 16] [--memory-clips 2000]

Encodes UCF101-like videos (Xvid AVI with B-frames, 320 x 240, 150 frames) and
Kinetics-like ones (H.264 MP4, 340 x 256, 250 frames), then times, in one process
(= one dataloader worker), clips decoded and augmented per second by
- stock: DecordInit, SampleFrames(T + 2), DecordDecode, the same augmentation,
  FormatShape, PackActionInputs: one clip a sample;
- ViDiDi: SafeDecordInit, MultiView(2 x [SampleFrames(T + 2), ExactVideoDecode,
  augmentation]), TemporalDerivative(compute_on='device'), PackActionInputs: two
  clips a sample;
and the bytes a clip sends to the device. With --memory-clips, one dataloader
worker runs the ViDiDi pipeline for that many clips; its resident memory is
printed at the start and the end.
"""
import argparse
import os
import time
from pathlib import Path

import numpy as np
import torch
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope

import mmvididi  # noqa: F401
from mmvididi.utils import write_video

AUGMENT = [
    dict(type='RandomResizedCrop', area_range=(0.2, 1.0)),
    dict(type='Resize', scale=(112, 112), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='RandomApply', prob=0.8, transforms=[dict(
        type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4,
        hue=0.1)]),
]
FORMATS = {'avi': ((240, 320), 150, dict(bf='2')),
           'mp4': ((256, 340), 250, dict(bf='2'))}


def pipelines(clip_len: int) -> dict:
    sample = dict(type='SampleFrames', clip_len=clip_len + 2, frame_interval=2,
                  num_clips=1, out_of_bound_opt='repeat_last')
    return dict(
        stock=[dict(type='DecordInit'), sample, dict(type='DecordDecode'),
               *AUGMENT, dict(type='FormatShape', input_format='NCTHW'),
               dict(type='PackActionInputs')],
        vididi=[dict(type='SafeDecordInit'),
                dict(type='MultiView', num_views=2, transforms=[
                    [sample, dict(type='ExactVideoDecode'), *AUGMENT]]),
                dict(type='TemporalDerivative', orders=(0, 1, 2),
                     compute_on='device'),
                dict(type='PackActionInputs', meta_keys=('derivative_orders', ))])


def make_videos(root: Path, count: int) -> dict:
    rng = np.random.default_rng(0)
    videos = {}
    for suffix, ((h, w), frames, options) in FORMATS.items():
        videos[suffix] = []
        for i in range(count):
            path = root / f'{suffix}{i:03d}.{suffix}'
            if not path.exists():
                background = rng.integers(0, 256, (h + 64, w + 64, 3), np.uint8)
                shift = rng.integers(1, 4)
                clip = np.stack([background[(shift * t) % 64:(shift * t) % 64 + h,
                                            :w] for t in range(frames)])
                write_video(path, clip, **options)
            videos[suffix].append(str(path))
    return videos


def throughput(pipeline, videos, clips: int, clips_per_sample: int):
    """(clips / s, device bytes a clip) over about ``clips`` clips."""
    transform = Compose(pipeline)
    samples = clips // clips_per_sample
    start = time.perf_counter()
    for i in range(samples):
        out = transform(dict(filename=videos[i % len(videos)], label=0,
                             start_index=0, modality='RGB'))
    seconds = time.perf_counter() - start
    data = out['inputs']
    return samples * clips_per_sample / seconds, \
        data.numel() * data.element_size() / clips_per_sample


def worker_memory(pipeline, videos, clips: int) -> tuple:
    """RSS (MiB) of one dataloader worker after its first and last clip."""
    transform = Compose(pipeline)

    class Clips(torch.utils.data.Dataset):
        def __len__(self):
            return clips // 2

        def __getitem__(self, i):
            transform(dict(filename=videos[i % len(videos)], label=0,
                           start_index=0, modality='RGB'))
            status = Path('/proc/self/status').read_text()
            rss = next(line for line in status.splitlines()
                       if line.startswith('VmRSS'))
            return int(rss.split()[1]) / 1024

    loader = torch.utils.data.DataLoader(Clips(), num_workers=1,
                                         batch_size=None)
    rss = list(loader)
    return rss[0], max(rss[-10:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--videos', type=int, default=24)
    parser.add_argument('--clips', type=int, default=200)
    parser.add_argument('--clip-len', type=int, default=16)
    parser.add_argument('--memory-clips', type=int, default=0)
    parser.add_argument('--work-dir', type=Path,
                        default=Path('work_dirs/benchmark_pipeline'))
    args = parser.parse_args()
    torch.set_num_threads(1)
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    init_default_scope('mmaction')
    args.work_dir.mkdir(parents=True, exist_ok=True)
    videos = make_videos(args.work_dir, args.videos)
    configs = pipelines(args.clip_len)

    print(f'T = {args.clip_len} (+2 decoded), 112 x 112, one process\n')
    print('| videos | pipeline | clips/s | device bytes a clip | ratio to stock |')
    print('| --- | --- | --- | --- | --- |')
    for suffix, paths in videos.items():
        stock, stock_bytes = throughput(configs['stock'], paths, args.clips, 1)
        vididi, vididi_bytes = throughput(configs['vididi'], paths, args.clips, 2)
        print(f'| {suffix} | stock MMAction2 | {stock:.1f} | {stock_bytes:,.0f} '
              '| 1.00 |')
        print(f'| {suffix} | ViDiDi | {vididi:.1f} | {vididi_bytes:,.0f} | '
              f'{vididi / stock:.2f} |')
    if args.memory_clips:
        first, last = worker_memory(configs['vididi'], videos['avi'] +
                                    videos['mp4'], args.memory_clips)
        print(f'\nworker memory over {args.memory_clips} ViDiDi clips: '
              f'{first:.0f} MiB after the first, {last:.0f} MiB at the end '
              f'({100 * (last - first) / first:+.1f} %)')


if __name__ == '__main__':
    main()
