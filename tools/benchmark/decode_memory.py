"""Worker memory over many samples of long videos (not in CI).

    python tools/benchmark/decode_memory.py [--samples 2000]
        [--sets long_avi_480,long_mp4_480,long_avi_720,long_mp4_720]
        [--backend pyav] [--work-dir work_dirs/benchmark_pipeline]

One dataloader worker (``num_workers=1``) runs the pretraining config's
``train_pipeline`` (configs/_base_/datasets/vididi_video_pretrain.py: two
views of T + 2 = 18 frames, augmentation, packing), opening videos with
``--backend``, over ``--samples`` samples of the long videos of
``tools/benchmark/pipeline_throughput.py`` (1,000 frames, 640 x 480 and 1280 x
720, Xvid AVI and H.264 MP4 in turn; encoded into --work-dir if missing), and
prints the worker's resident memory (RSS) along the way, its growth from
the 10th sample (after warm-up) to the last, and what the worker's
``malloc_trim`` calls (``mmvididi.video.memory``) cost.

With ``--in-process N`` the samples run in this process instead, and every N
samples it prints the RSS, the RSS after glibc's ``malloc_trim(0)`` (memory
freed but kept by the allocator returned to the system) and the number of
objects the garbage collector tracks.
"""
import argparse
import ctypes
import gc
import sys
import time
from pathlib import Path

import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope

import mmvididi  # noqa: F401
from mmvididi.video import memory

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
CONFIG = ROOT / 'configs/_base_/datasets/vididi_video_pretrain.py'
CHECKPOINTS = (1, 10, 100, 250, 500, 1000, 1500, 2000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--samples', type=int, default=2000)
    parser.add_argument(
        '--sets', default='long_avi_480,long_mp4_480,long_avi_720,long_mp4_720')
    parser.add_argument('--backend', default='pyav')
    parser.add_argument('--in-process', type=int, default=0, metavar='N')
    parser.add_argument('--work-dir', type=Path,
                        default=Path('work_dirs/benchmark_pipeline'))
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from pipeline_throughput import Samples, make_videos

    torch.set_num_threads(1)
    init_default_scope('mmaction')
    args.work_dir.mkdir(parents=True, exist_ok=True)
    by_set = make_videos(args.work_dir, args.sets.split(','))
    videos = [v for group in zip(*by_set.values()) for v in group]
    pipeline = Config.fromfile(str(CONFIG)).train_pipeline
    pipeline[0] = dict(type='VideoInit', backend=args.backend)
    if args.in_process:
        return in_process(pipeline, videos, args.samples, args.in_process)

    class WorkerSamples(Samples):
        """The worker's RSS after each sample, and its trims so far."""

        def __getitem__(self, i: int) -> tuple:
            return (super().__getitem__(i), *memory.trim_stats())

    loader = torch.utils.data.DataLoader(
        WorkerSamples(pipeline, videos, args.samples), num_workers=1,
        batch_size=None)  # fork: this process decodes nothing itself
    print(f'{args.samples} samples, backend {args.backend}, {len(videos)} '
          f'videos: {", ".join(Path(v).name for v in videos)}')
    print('| samples | worker RSS (MiB) | seconds |')
    print('| --- | --- | --- |')
    start, rss = time.perf_counter(), []
    for i, (value, trims, trim_seconds) in enumerate(loader, start=1):
        rss.append(value)
        if i in CHECKPOINTS or i == args.samples:
            print(f'| {i} | {value:.0f} | {time.perf_counter() - start:.0f} |',
                  flush=True)
    base = rss[min(9, len(rss) - 1)]
    print(f'\nRSS growth from sample 10 to {len(rss)}: '
          f'{100 * (rss[-1] - base) / base:+.1f} % (largest: '
          f'{100 * (max(rss[9:] or rss) - base) / base:+.1f} %)')
    wall = time.perf_counter() - start
    print(f'malloc_trim in the worker (mmvididi.video.memory): {trims} '
          f'trims, {1000 * trim_seconds / max(trims, 1):.1f} ms each, '
          f'{100 * trim_seconds / wall:.2f} % of the wall time')


def in_process(pipeline, videos, samples: int, every: int) -> None:
    from pipeline_throughput import rss_mib, run
    transform = Compose(pipeline)
    libc = ctypes.CDLL('libc.so.6')
    print('| samples | RSS (MiB) | after malloc_trim (MiB) | gc objects |')
    print('| --- | --- | --- | --- |')
    for i in range(samples):
        run(transform, videos, 1, offset=i)
        if (i + 1) % every == 0:
            gc.collect()
            before = rss_mib()
            libc.malloc_trim(0)
            print(f'| {i + 1} | {before:.0f} | {rss_mib():.0f} | '
                  f'{len(gc.get_objects())} |', flush=True)


if __name__ == '__main__':
    main()
