"""Input pipeline throughput: ViDiDi's pipeline, per decoder backend, against
MMAction2's stock one.

    python tools/benchmark/pipeline_throughput.py [--sets short_avi,...]
        [--backends pyav,torchcodec,decord] [--clips 200] [--long-clips 40]
        [--clip-len 16] [--memory-samples 100]

Encodes (once, into --work-dir) realistic footage (tests/footage.py: camera
pan over a textured scene, sensor noise) in the sets of ``SETS``: short
UCF101-like (Xvid AVI with B-frames, 320 x 240, 150 frames) and Kinetics-like
(H.264 MP4 with B-frames, 340 x 256, 250 frames) videos, and long ones (1,000
frames, 40 s) of both kinds at 640 x 480 and 1280 x 720, keyframes as their
encoders place them by default (Xvid-like every 300 frames, x264 every 250).
Then it times, in one process (= one dataloader worker), clips decoded and
augmented per second (the pipelines in turn, in 6 rounds, so that the load of a
shared machine falls on all of them alike) by
- stock: DecordInit, SampleFrames(T + 2), DecordDecode, the same augmentation,
  FormatShape, PackActionInputs: one clip a sample;
- ViDiDi with each backend: VideoInit(backend), MultiView(2 x [SampleFrames(T
  + 2), VideoDecode, augmentation]), TemporalDerivative(compute_on='device'),
  PackActionInputs: two clips a sample;
and, with --memory-samples, the resident memory of one dataloader worker
(RSS, MiB) after the first and the last of that many samples of each
pipeline. A backend that refuses a set's files (decord and TorchCodec on AVI
with B-frames: they decode them wrongly) is reported as such.
"""
import argparse
import os
import sys
import time
from pathlib import Path

import torch
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope

import mmvididi  # noqa: F401
from mmvididi.utils import write_video
from mmvididi.video import VideoDecodeError

ROOT = Path(__file__).parents[2]
AUGMENT = [
    dict(type='RandomResizedCrop', area_range=(0.2, 1.0)),
    dict(type='Resize', scale=(112, 112), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='RandomApply', prob=0.8, transforms=[dict(
        type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4,
        hue=0.1)]),
]
#: name: (suffix, (height, width), frames, encoder options, videos)
SETS = {
    'short_avi': ('.avi', (240, 320), 150, dict(bf='2', g='300'), 12),
    'short_mp4': ('.mp4', (256, 340), 250, dict(bf='3', g='250'), 12),
    'long_avi_480': ('.avi', (480, 640), 1000, dict(bf='2', g='300'), 2),
    'long_mp4_480': ('.mp4', (480, 640), 1000, dict(bf='3', g='250'), 2),
    'long_avi_720': ('.avi', (720, 1280), 1000, dict(bf='2', g='300'), 1),
    'long_mp4_720': ('.mp4', (720, 1280), 1000, dict(
        bf='3', g='250', preset='veryfast'), 1),
}


def pipelines(clip_len: int, backends) -> dict:
    sample = dict(type='SampleFrames', clip_len=clip_len + 2, frame_interval=2,
                  num_clips=1, out_of_bound_opt='repeat_last')
    result = dict(
        stock=[dict(type='DecordInit'), sample, dict(type='DecordDecode'),
               *AUGMENT, dict(type='FormatShape', input_format='NCTHW'),
               dict(type='PackActionInputs')])
    for backend in backends:
        result[backend] = [
            dict(type='VideoInit', backend=backend),
            dict(type='MultiView', num_views=2, transforms=[
                [sample, dict(type='VideoDecode'), *AUGMENT]]),
            dict(type='TemporalDerivative', orders=(0, 1, 2),
                 compute_on='device'),
            dict(type='PackActionInputs', meta_keys=('derivative_orders', ))]
    return result


def make_videos(root: Path, names) -> dict:
    sys.path.insert(0, str(ROOT))
    from tests.footage import realistic_frames
    videos = {}
    for name in names:
        suffix, (h, w), frames, options, count = SETS[name]
        videos[name] = []
        for i in range(count):
            path = root / f'{name}_{i:02d}{suffix}'
            if not path.exists():
                write_video(path, realistic_frames(frames, h, w, seed=i),
                            **options)
            videos[name].append(str(path))
    return videos


def run(transform, videos, samples: int, offset: int = 0):
    for i in range(samples):
        out = transform(dict(filename=videos[(offset + i) % len(videos)],
                             label=0, start_index=0, modality='RGB'))
    return out


def throughput(configs: dict, videos, clips: int, rounds: int = 6) -> dict:
    """Clips / s of each pipeline over about ``clips`` clips, in ``rounds``
    rounds that run the pipelines in turn (so that a slower or busier moment
    of a shared machine falls on all of them); a pipeline that refuses the
    videos gives its error instead."""
    transforms, seconds, done = {}, {}, {}
    for name, pipeline in configs.items():
        transforms[name] = Compose(pipeline)
        try:
            run(transforms[name], videos, 1)  # warm-up; may refuse the files
        except VideoDecodeError as error:
            transforms[name] = error
        seconds[name], done[name] = 0.0, 0
    for r in range(rounds):
        for name, transform in transforms.items():
            if isinstance(transform, Exception):
                continue
            per_sample = 1 if name == 'stock' else 2
            samples = max(1, clips // per_sample // rounds)
            start = time.perf_counter()
            run(transform, videos, samples, offset=1 + r * samples)
            seconds[name] += time.perf_counter() - start
            done[name] += samples * per_sample
    return {name: transforms[name] if isinstance(transforms[name], Exception)
            else done[name] / seconds[name] for name in configs}


def rss_mib() -> float:
    status = Path('/proc/self/status').read_text()
    line = next(x for x in status.splitlines() if x.startswith('VmRSS'))
    return int(line.split()[1]) / 1024


class Samples(torch.utils.data.Dataset):
    """Runs the pipeline; returns the worker's RSS after each sample."""

    def __init__(self, pipeline, videos, samples: int) -> None:
        self.pipeline, self.videos, self.samples = pipeline, videos, samples

    def __len__(self) -> int:
        return self.samples

    def __getitem__(self, i: int) -> float:
        if not hasattr(self, 'transform'):
            init_default_scope('mmaction')
            self.transform = Compose(self.pipeline)
        run(self.transform, self.videos, 1, offset=i)
        return rss_mib()


def worker_memory(pipeline, videos, samples: int) -> tuple:
    """RSS (MiB) of one dataloader worker after its first sample, and the
    largest of its last 10."""
    # spawn, not fork: a worker forked after decord's threads ran can hang
    loader = torch.utils.data.DataLoader(Samples(pipeline, videos, samples),
                                         num_workers=1, batch_size=None,
                                         multiprocessing_context='spawn')
    rss = list(loader)
    return rss[0], max(rss[-10:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--sets', default=','.join(SETS))
    parser.add_argument('--backends', default='pyav,torchcodec,decord')
    parser.add_argument('--clips', type=int, default=200,
                        help='clips timed on a short set')
    parser.add_argument('--long-clips', type=int, default=40,
                        help='clips timed on a long set')
    parser.add_argument('--clip-len', type=int, default=16)
    parser.add_argument('--memory-samples', type=int, default=0)
    parser.add_argument('--work-dir', type=Path,
                        default=Path('work_dirs/benchmark_pipeline'))
    args = parser.parse_args()
    torch.set_num_threads(1)
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    init_default_scope('mmaction')
    args.work_dir.mkdir(parents=True, exist_ok=True)
    videos = make_videos(args.work_dir, args.sets.split(','))
    configs = pipelines(args.clip_len, args.backends.split(','))

    memory = ' | worker RSS first / last (MiB)' if args.memory_samples else ''
    print(f'T = {args.clip_len} (+2 decoded), 112 x 112, one process, decoder '
          'threads 1\n')
    print(f'| videos | pipeline | clips/s | ratio to stock{memory} |')
    print('| --- | --- | --- | ---' + (' | ---' if memory else '') + ' |')
    for name, paths in videos.items():
        clips = args.clips if name.startswith('short') else args.long_clips
        speeds = throughput(configs, paths, clips)
        for pipeline, speed in speeds.items():
            label = 'stock MMAction2' if pipeline == 'stock' else \
                f'ViDiDi, {pipeline}'
            if isinstance(speed, Exception):
                print(f'| {name} | {label} | refused: '
                      f'{str(speed).split(": ", 1)[-1]} | |'
                      + (' |' if memory else ''))
                continue
            row = f'| {name} | {label} | {speed:.1f} | ' \
                f'{speed / speeds["stock"]:.2f}'
            if args.memory_samples:
                first, last = worker_memory(configs[pipeline], paths,
                                            args.memory_samples)
                row += f' | {first:.0f} / {last:.0f}'
            print(row + ' |', flush=True)


if __name__ == '__main__':
    main()
