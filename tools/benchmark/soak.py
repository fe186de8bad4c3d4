"""Soak test (not in CI): a long tiny run on data with broken files.

    python tools/benchmark/soak.py [--iters 2000] [--videos 100] [--broken 0.05]
        [--work-dir work_dirs/soak]

Writes `--videos` small real videos, replaces a `--broken` fraction of them by
missing, empty, truncated and non-video files, trains the thin ViDiDi SimCLR config
for `--iters` iterations (2 dataloader workers) and prints iterations done, files
skipped, and the resident memory of the main process and of its workers at the
first and the last iteration.
"""
import argparse
import os
from pathlib import Path

import numpy as np
from mmengine.hooks import Hook
from mmengine.runner import Runner

import mmvididi  # noqa: F401
from mmvididi.utils import write_video

ROOT = Path(__file__).parents[2]


def rss_mib(pid: int) -> float:
    for line in Path(f'/proc/{pid}/status').read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list:
    path = Path(f'/proc/{pid}/task/{pid}/children')
    return [int(c) for c in path.read_text().split()] if path.exists() else []


class MemoryHook(Hook):
    """Records main and worker RSS at the first and the last iteration."""

    def __init__(self) -> None:
        self.samples = {}

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if runner.iter in (1, runner.max_iters - 1):
            workers = sum(rss_mib(c) for c in children(os.getpid()))
            self.samples[runner.iter] = (rss_mib(os.getpid()), workers)


def make_dataset(root: Path, videos: int, broken: float) -> int:
    rng = np.random.default_rng(0)
    lines, bad = [], int(round(videos * broken))
    for i in range(videos):
        path = root / f'video{i:04d}.mp4'
        frames = rng.integers(0, 256, (24, 64, 64, 3), dtype=np.uint8)
        write_video(path, frames)
        if i < bad:  # four kinds of broken file, in turn
            kind = i % 4
            if kind == 0:
                path.unlink()
            elif kind == 1:
                path.write_bytes(b'')
            elif kind == 2:
                path.write_bytes(path.read_bytes()[:500])
            else:
                path.write_bytes(b'not a video\n' * 100)
        lines.append(f'{path.name} {i % 2}')
    (root / 'train.txt').write_text('\n'.join(lines) + '\n')
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--iters', type=int, default=2000)
    parser.add_argument('--videos', type=int, default=100)
    parser.add_argument('--broken', type=float, default=0.05)
    parser.add_argument('--work-dir', type=Path, default=Path('work_dirs/soak'))
    args = parser.parse_args()

    import sys
    sys.path.insert(0, str(ROOT))
    from tests.tiny_configs import tiny_config

    data = args.work_dir / 'videos'
    data.mkdir(parents=True, exist_ok=True)
    bad = make_dataset(data, args.videos, args.broken)
    epochs = -(-args.iters * 2 // (args.videos - bad))  # batch 2, enough
    cfg = tiny_config('vididi_simclr_r3d_ucf101.py', data, args.work_dir / 'run',
                      epochs=epochs)
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=args.iters)
    cfg.param_scheduler = []
    cfg.train_dataloader.update(num_workers=2, persistent_workers=True)
    cfg.default_hooks.logger.update(interval=200, log_metric_by_epoch=False)
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=500,
                                        by_epoch=False, max_keep_ckpts=1)
    cfg.default_hooks.broken_videos.update(max_bad_ratio=2 * args.broken)
    cfg.log_processor = dict(by_epoch=False)
    runner = Runner.from_cfg(cfg)
    memory = MemoryHook()
    runner.register_hook(memory)
    runner.train()

    skipped = (args.work_dir / 'run' / 'bad_videos.txt').read_text().splitlines()
    (first_main, first_workers), (last_main, last_workers) = (
        memory.samples[k] for k in sorted(memory.samples))
    print(f'iterations done: {runner.iter} of {args.iters}')
    print(f'files skipped: {len(skipped)} of {bad} broken ({args.videos} videos)')
    print(f'resident memory, main process: {first_main:.0f} MiB at iteration 1, '
          f'{last_main:.0f} MiB at {args.iters - 1}')
    print(f'resident memory, 2 workers: {first_workers:.0f} MiB at iteration 1, '
          f'{last_workers:.0f} MiB at {args.iters - 1}')


if __name__ == '__main__':
    main()
