"""ViDiDi against its baseline on the synthetic motion videos, over seeds.

    python tools/benchmark/synthetic_motion.py [--work-dir work_dirs/benchmark]
        [--preset legacy] [--train-per-class 48] [--test-per-class 16]
        [--frameworks simclr byol vicreg] [--seeds 0 1 2]
        [--schedules epoch random joint with-same order-1-only]
        [--schedule-framework simclr] [--epochs 20] [--jobs 1]

Runs, each in its own process and each seed with the same dataset
(MotionDatasetSpec.preset(--preset), seed 0, in <work-dir>/synthetic_motion):
- every framework: ViDiDi (alternate schedule) and its baseline twin;
- for --schedule-framework: ViDiDi under each other schedule (with-same: alternate
  with the (0, 0) pair added), and the control order-1-only: the framework trained
  on first derivatives alone (orders=(1,), pairs [(1, 1)]);
and writes runs.jsonl (one line a finished run; a rerun skips those) and
results.md: R@1 (mean +- std over seeds) of the test videos among the train videos,
with features of order 0 (frames) and order 1 (first derivative).

Each run trains and tests with mmengine's Runner (tools/benchmark/motion_benchmark.py:
runner.train(), then runner.test() with the config's test_dataloader and
VideoRetrievalMetric); its result keeps the metric's keys and the tools/test.py
command that gives the same numbers again from the run's checkpoint.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

from mmvididi.data_preparation.synthetic_motion import (PRESETS,
                                                        MotionDatasetSpec)

# the Runner helpers beside this file
sys.path.insert(0, str(Path(__file__).resolve().parent))
from motion_benchmark import DEFAULT_PRESET, ensure_dataset  # noqa: E402

DEFAULT_PAIRS = [(0, 1), (1, 0), (0, 2), (2, 0), (1, 2), (2, 1)]
VIDIDI = 'configs/synthetic_motion/vididi_{}_r3d_tiny.py'
# a run: its config (of the framework) and benchmark_config's overrides
VARIANTS = {
    'baseline': dict(config='configs/synthetic_motion/{}_r3d_tiny.py'),
    'alternate': dict(),
    'epoch': dict(schedule='epoch'),
    'random': dict(schedule='random'),
    'joint': dict(schedule='joint'),
    'with-same': dict(cfg_options={'model.pairs': DEFAULT_PAIRS + [(0, 0)]}),
    # a control: the framework on first derivatives alone, no cross-order pairs
    'order-1-only': dict(orders=(1, )),
}


def run_config(framework: str, variant: str, seed: int, data_root: Path,
               work_dir: Path, epochs: Optional[int] = None):
    """``(config path, Config)`` of one run."""
    from motion_benchmark import benchmark_config
    options = dict(VARIANTS[variant])
    config = options.pop('config', VIDIDI).format(framework)
    return config, benchmark_config(config, data_root, work_dir, seed=seed,
                                    max_epochs=epochs, **options)


def run_one(args) -> None:
    """One run, trained and tested by the Runner; writes its result to
    <run work dir>/result.json."""
    from motion_benchmark import (last_checkpoint, loss_curve,
                                  retrieval_groups, test_command,
                                  train_and_test)
    work_dir = args.work_dir / run_name(args.framework, args.variant, args.seed)
    config, cfg = run_config(args.framework, args.variant, args.seed,
                             args.data_root, work_dir, args.epochs)
    runner, metrics = train_and_test(cfg)
    checkpoint = last_checkpoint(work_dir)
    result = dict(
        framework=args.framework, variant=args.variant, seed=args.seed,
        final_loss=loss_curve(runner)[-1], metrics=metrics,
        retrieval=retrieval_groups(metrics), checkpoint=str(checkpoint),
        test_command=test_command(config, checkpoint, args.data_root))
    (work_dir / 'result.json').write_text(json.dumps(result))


def run_name(framework: str, variant: str, seed: int) -> str:
    return f'{framework}_{variant}_seed{seed}'


def mean_std(values) -> str:
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return f'{statistics.mean(values):.1f} ± {spread:.1f}'


def recall(run: dict, order: int, k: str) -> float:
    """R@k of a run on the features of one order. Runs before the Runner
    road named the groups 'order 1', the metric names them 'order1'."""
    groups = {name.replace(' ', ''): value
              for name, value in run['retrieval'].items()}
    return groups[f'order{order}'][k]


def table(runs: list) -> str:
    groups = {}
    for run in runs:
        groups.setdefault((run['framework'], run['variant']), []).append(run)
    rows = ['| framework | run | seeds | R@1 order 1 | R@5 order 1 | '
            'R@1 order 0 | R@5 order 0 |', '| --- | --- | --- | --- | --- | '
            '--- | --- |']
    for (framework, variant), group in sorted(groups.items()):
        cells = [mean_std([recall(r, o, k) for r in group])
                 for o, k in ((1, 'R@1'), (1, 'R@5'), (0, 'R@1'), (0, 'R@5'))]
        name = variant if variant in ('baseline', 'order-1-only') \
            else 'ViDiDi ' + variant
        rows.append(f'| {framework} | {name} | {len(group)} | ' +
                    ' | '.join(cells) + ' |')
    return '\n'.join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--work-dir', type=Path,
                        default=Path('work_dirs/benchmark'))
    parser.add_argument('--preset', choices=PRESETS, default=DEFAULT_PRESET,
                        help='the dataset, MotionDatasetSpec.preset (default '
                        '%(default)s: the static benchmark of '
                        'docs/motion_benchmark.md)')
    parser.add_argument('--train-per-class', type=int,
                        help="train videos a class (default: the preset's)")
    parser.add_argument('--test-per-class', type=int,
                        help="test videos a class (default: the preset's)")
    parser.add_argument('--frameworks', nargs='+',
                        default=['simclr', 'byol', 'vicreg'])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--schedules', nargs='*', choices=list(VARIANTS)[2:],
                        default=list(VARIANTS)[2:],
                        help='for --schedule-framework; none: skip them')
    parser.add_argument('--schedule-framework', default='simclr')
    parser.add_argument('--epochs', type=int,
                        help="pretraining epochs (default: the config's, 20)")
    parser.add_argument('--jobs', type=int, default=1,
                        help='runs at a time (each its own process; they can '
                        'share one GPU)')
    parser.add_argument('--single', action='store_true', help=argparse.SUPPRESS)
    parser.add_argument('--framework', help=argparse.SUPPRESS)
    parser.add_argument('--variant', help=argparse.SUPPRESS)
    parser.add_argument('--seed', type=int, help=argparse.SUPPRESS)
    parser.add_argument('--data-root', type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.single:
        return run_one(args)

    data_root = args.work_dir / 'synthetic_motion'
    log = args.work_dir / 'runs.jsonl'
    sizes = {key: value for key, value in (
        ('train_per_class', args.train_per_class),
        ('test_per_class', args.test_per_class)) if value is not None}
    spec = MotionDatasetSpec.preset(args.preset, **sizes)
    if ensure_dataset(data_root, spec, seed=0) and log.exists():
        raise SystemExit(f'{log} holds runs on another dataset than this '
                         'command asks for; choose another --work-dir.')
    plan = [(f, v, s) for f in args.frameworks for v in ('alternate', 'baseline')
            for s in args.seeds]
    plan += [(args.schedule_framework, v, s) for v in args.schedules
             for s in args.seeds]
    runs = [json.loads(line) for line in log.read_text().splitlines()] \
        if log.exists() else []
    done = {(r['framework'], r['variant'], r['seed']) for r in runs}
    todo = [run for run in plan if run not in done]
    print(f'{len(plan) - len(todo)} of {len(plan)} runs done earlier; '
          f'{len(todo)} to go, {args.jobs} at a time', flush=True)
    # each run in its own process, output to <work-dir>/<run>.log
    env = dict(os.environ)
    if args.jobs > 1:  # share the cores between the runs
        env.setdefault('OMP_NUM_THREADS',
                       str(max(1, (os.cpu_count() or 1) // args.jobs)))
    running, failed = {}, []
    while todo or running:
        while todo and len(running) < args.jobs:
            framework, variant, seed = key = todo.pop(0)
            name = run_name(*key)
            (args.work_dir / name / 'result.json').unlink(missing_ok=True)
            with (args.work_dir / f'{name}.log').open('w') as output:
                running[key] = subprocess.Popen(
                    [sys.executable, __file__, '--single', '--framework',
                     framework, '--variant', variant, '--seed', str(seed),
                     '--work-dir', str(args.work_dir), '--data-root',
                     str(data_root)] +
                    (['--epochs', str(args.epochs)] if args.epochs else []),
                    stdout=output, stderr=subprocess.STDOUT, env=env)
        finished = [k for k, process in running.items()
                    if process.poll() is not None]
        if not finished:
            time.sleep(1)
        for key in finished:
            name = run_name(*key)
            result = args.work_dir / name / 'result.json'
            if running.pop(key).returncode != 0 or not result.exists():
                failed.append(name)
                print(f'{name}: FAILED, see {args.work_dir / name}.log',
                      flush=True)
                continue
            run = json.loads(result.read_text())
            runs.append(run)
            with log.open('a') as f:
                f.write(json.dumps(run) + '\n')
            print(f'{name}: R@1 order 1 {recall(run, 1, "R@1"):.1f}, '
                  f'order 0 {recall(run, 0, "R@1"):.1f}', flush=True)
    markdown = table(runs)
    (args.work_dir / 'results.md').write_text(markdown + '\n')
    print(markdown)
    if failed:
        raise SystemExit(f'{len(failed)} runs failed: {", ".join(failed)}; '
                         'rerun the same command to retry them')


if __name__ == '__main__':
    main()
