"""ViDiDi against its baseline on the synthetic motion videos, over seeds.

    python tools/benchmark/synthetic_motion.py [--work-dir work_dirs/benchmark]
        [--frameworks simclr byol vicreg] [--seeds 0 1 2]
        [--schedules epoch random joint with-same order-1-only]
        [--schedule-framework simclr] [--epochs 20] [--jobs 1]

Runs, each in its own process and each seed with the same dataset:
- every framework: ViDiDi (alternate schedule) and its baseline twin;
- for --schedule-framework: ViDiDi under each other schedule (with-same: alternate
  with the (0, 0) pair added), and the control order-1-only: the framework trained
  on first derivatives alone (orders=(1,), pairs [(1, 1)]);
and writes runs.jsonl (one line a finished run; a rerun skips those) and
results.md: R@1 (mean +- std over seeds) of the test videos among the train videos,
with features of order 0 (frames) and order 1 (first derivative).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_PAIRS = [(0, 1), (1, 0), (0, 2), (2, 0), (1, 2), (2, 1)]
VARIANTS = {
    'baseline': dict(orders=(0, )),
    'alternate': dict(),
    'epoch': dict(cfg_options={'custom_hooks.0.mode': 'epoch'}),
    'random': dict(cfg_options={'custom_hooks.0.mode': 'random'}),
    'joint': dict(cfg_options={'custom_hooks.0.mode': 'joint'}),
    'with-same': dict(cfg_options={'model.pairs': DEFAULT_PAIRS + [(0, 0)]}),
    # a control: the framework on first derivatives alone, no cross-order pairs
    'order-1-only': dict(orders=(1, )),
}


def run_one(args) -> None:
    """One training run; writes its result to <run work dir>/result.json."""
    import mmvididi  # noqa: F401
    from mmvididi.apis import (benchmark_config, loss_curve, motion_retrieval,
                               pretrain)
    variant = VARIANTS[args.variant]
    config = f'configs/synthetic_motion/vididi_{args.framework}_r3d_tiny.py'
    work_dir = args.work_dir / run_name(args.framework, args.variant, args.seed)
    cfg = benchmark_config(
        config, args.data_root, work_dir,
        seed=args.seed, orders=variant.get('orders'), max_epochs=args.epochs,
        cfg_options=variant.get('cfg_options'))
    runner = pretrain(cfg)
    result = dict(
        framework=args.framework, variant=args.variant, seed=args.seed,
        final_loss=loss_curve(runner)[-1],
        retrieval=motion_retrieval(runner.model, cfg, args.data_root))
    (work_dir / 'result.json').write_text(json.dumps(result))


def run_name(framework: str, variant: str, seed: int) -> str:
    return f'{framework}_{variant}_seed{seed}'


def mean_std(values) -> str:
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return f'{statistics.mean(values):.1f} ± {spread:.1f}'


def table(runs: list) -> str:
    groups = {}
    for run in runs:
        groups.setdefault((run['framework'], run['variant']), []).append(run)
    rows = ['| framework | run | seeds | R@1 order 1 | R@5 order 1 | '
            'R@1 order 0 | R@5 order 0 |', '| --- | --- | --- | --- | --- | '
            '--- | --- |']
    for (framework, variant), group in sorted(groups.items()):
        cells = [mean_std([r['retrieval'][f'order {o}'][k] for r in group])
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

    from mmvididi.data_preparation.synthetic_motion import (
        MotionDatasetSpec, generate_motion_dataset)
    data_root = args.work_dir / 'synthetic_motion'
    if not (data_root / 'test_videos.txt').exists():
        generate_motion_dataset(data_root, MotionDatasetSpec(), seed=0)
    plan = [(f, v, s) for f in args.frameworks for v in ('alternate', 'baseline')
            for s in args.seeds]
    plan += [(args.schedule_framework, v, s) for v in args.schedules
             for s in args.seeds]
    log = args.work_dir / 'runs.jsonl'
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
            print(f'{name}: R@1 order 1 '
                  f'{run["retrieval"]["order 1"]["R@1"]:.1f}, order 0 '
                  f'{run["retrieval"]["order 0"]["R@1"]:.1f}', flush=True)
    markdown = table(runs)
    (args.work_dir / 'results.md').write_text(markdown + '\n')
    print(markdown)
    if failed:
        raise SystemExit(f'{len(failed)} runs failed: {", ".join(failed)}; '
                         'rerun the same command to retry them')


if __name__ == '__main__':
    main()
