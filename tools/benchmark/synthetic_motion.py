"""ViDiDi against its baseline on the synthetic motion videos, over seeds and
camera levels.

    python tools/benchmark/synthetic_motion.py [--work-dir work_dirs/benchmark]
        [--presets handheld] [--train-per-class 48] [--test-per-class 16]
        [--frameworks simclr byol vicreg] [--variants alternate baseline]
        [--seeds 0 1 2] [--schedules epoch random joint with-same order-1-only]
        [--schedule-framework simclr] [--epochs N] [--jobs 1]

Runs, each in its own process; every run of a preset (a rung of the camera ladder,
MotionDatasetSpec.preset) uses the same dataset, seed 0, in
<work-dir>/synthetic_motion_<preset>:
- for every preset and framework, each of --variants: ``alternate`` is ViDiDi as
  its config has it, ``baseline`` its baseline twin (order 0 only);
- for every preset and --schedule-framework, each of --schedules: ViDiDi under
  another schedule (with-same: the config's pairs and (0, 0)), or the control
  order-1-only: the framework trained on first derivatives alone (orders=(1,),
  pairs [(1, 1)]);
- a variant's name with ``+mc`` at its end turns the camera-motion compensation
  of ViDiDiDataPreprocessor on (COMPENSATION), ``-mc`` turns it off, whatever
  the config's default (e.g. ``alternate-mc``, ``order-1-only+mc``);
and writes runs.jsonl (one line a finished run; a rerun skips those, and adopts
a run whose result.json was written after its benchmark was stopped), results.md
(R@1 and R@5, mean +- std over seeds, of the test videos among the train videos
with features of order 0, the frames, and of order 1, the first derivative) and,
over two or more rungs of the camera ladder, ladder_<framework>.png (R@1
against the camera level).

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
from typing import Dict, List, Optional, Sequence, Tuple

from mmengine.config import Config

from mmvididi.data_preparation.synthetic_motion import (PRESETS,
                                                        MotionDatasetSpec)
from mmvididi.pairs import default_pairs

# the Runner helpers beside this file
sys.path.insert(0, str(Path(__file__).resolve().parent))
from motion_benchmark import (DEFAULT_PRESET, ensure_dataset,  # noqa: E402
                              recall_panels, save_recall_panels)

VIDIDI = 'configs/synthetic_motion/vididi_{}_r3d_tiny.py'
BASELINE = 'configs/synthetic_motion/{}_r3d_tiny.py'
# the camera-motion compensation a '+mc' variant turns on
# (ViDiDiDataPreprocessor.motion_compensation)
COMPENSATION = 'similarity'
COMPENSATION_KEY = 'model.data_preprocessor.motion_compensation'
# a run: its config (of the framework) and benchmark_config's overrides;
# with_same: the config's pairs and (0, 0)
VARIANTS = {
    'baseline': dict(config=BASELINE),
    'alternate': dict(),
    'epoch': dict(schedule='epoch'),
    'random': dict(schedule='random'),
    'joint': dict(schedule='joint'),
    'with-same': dict(with_same=True),
    # a control: the framework on first derivatives alone, no cross-order pairs
    'order-1-only': dict(orders=(1, )),
}
SCHEDULE_VARIANTS = ('epoch', 'random', 'joint', 'with-same', 'order-1-only')
# the camera ladder, from a tripod to a strong hand-held camera
LADDER = ('static', 'mild', 'handheld', 'strong')
# runs.jsonl lines written before the presets axis: all on the legacy data
OLD_RUNS_PRESET = 'legacy'

Key = Tuple[str, str, str, int]  # preset, framework, variant, seed


def split_variant(variant: str) -> Tuple[str, Optional[bool]]:
    """``'alternate+mc'`` to ``('alternate', True)``, ``'order-1-only-mc'``
    to ``('order-1-only', False)``, ``'baseline'`` to ``('baseline', None)``
    (the config's compensation).

    Raises:
        ValueError: for a variant that is not one of VARIANTS, with or without
            the suffix.
    """
    base, compensation = variant, None
    for suffix, value in (('+mc', True), ('-mc', False)):
        if variant.endswith(suffix):
            base, compensation = variant[:-len(suffix)], value
    if base not in VARIANTS:
        raise ValueError(
            f'variant {variant!r}: choose one of {list(VARIANTS)}, optionally '
            "with '+mc' (camera-motion compensation on) or '-mc' (off).")
    return base, compensation


def check_variant(variant: str) -> str:
    """argparse type: a valid variant name."""
    try:
        split_variant(variant)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return variant


def run_config(framework: str, variant: str, seed: int, data_root: Path,
               work_dir: Path, epochs: Optional[int] = None):
    """``(config path, Config)`` of one run."""
    from motion_benchmark import benchmark_config
    base, compensation = split_variant(variant)
    options = dict(VARIANTS[base])
    config = options.pop('config', VIDIDI).format(framework)
    cfg_options = {}
    if options.pop('with_same', False):
        orders = Config.fromfile(config).model.orders
        cfg_options['model.pairs'] = default_pairs(orders) + [(0, 0)]
    if compensation is not None:
        cfg_options[COMPENSATION_KEY] = COMPENSATION if compensation else None
    return config, benchmark_config(config, data_root, work_dir, seed=seed,
                                    max_epochs=epochs, cfg_options=cfg_options,
                                    **options)


def run_one(args) -> None:
    """One run, trained and tested by the Runner; writes its result to
    <run work dir>/result.json."""
    from motion_benchmark import (last_checkpoint, loss_curve,
                                  retrieval_groups, test_command,
                                  train_and_test)
    key = (args.preset, args.framework, args.variant, args.seed)
    work_dir = args.work_dir / run_name(*key)
    config, cfg = run_config(args.framework, args.variant, args.seed,
                             args.data_root, work_dir, args.epochs)
    start = time.perf_counter()
    runner, metrics = train_and_test(cfg)
    checkpoint = last_checkpoint(work_dir)
    result = dict(
        preset=args.preset, framework=args.framework, variant=args.variant,
        seed=args.seed, epochs=cfg.train_cfg.max_epochs,
        orders=list(cfg.model.orders),
        compensation=cfg.model.data_preprocessor.get('motion_compensation'),
        minutes=round((time.perf_counter() - start) / 60, 2),
        final_loss=loss_curve(runner)[-1], metrics=metrics,
        retrieval=retrieval_groups(metrics), checkpoint=str(checkpoint),
        test_command=test_command(config, checkpoint, args.data_root))
    (work_dir / 'result.json').write_text(json.dumps(result))


def run_name(preset: str, framework: str, variant: str, seed: int) -> str:
    return f'{preset}_{framework}_{variant}_seed{seed}'


def run_key(run: dict) -> Key:
    return (run.get('preset', OLD_RUNS_PRESET), run['framework'],
            run['variant'], run['seed'])


def data_root(work_dir: Path, preset: str) -> Path:
    """Where the benchmark writes the dataset of ``preset`` (seed 0)."""
    return Path(work_dir) / f'synthetic_motion_{preset}'


def mean_std(values) -> str:
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return f'{statistics.mean(values):.1f} ± {spread:.1f}'


def recall(run: dict, order: int, k: str) -> float:
    """R@k of a run on the features of one order. Runs before the Runner
    road named the groups 'order 1', the metric names them 'order1'."""
    groups = {name.replace(' ', ''): value
              for name, value in run['retrieval'].items()}
    return groups[f'order{order}'][k]


def variant_label(variant: str) -> str:
    """A run's name in the tables and plots."""
    base, compensation = split_variant(variant)
    name = base if base in ('baseline', 'order-1-only') else \
        'ViDiDi' + ('' if base == 'alternate' else ' ' + base)
    if compensation is not None:
        name += ', compensated' if compensation else ', uncompensated'
    return name


def grouped(runs: Sequence[dict]) -> Dict[Tuple[str, str, str], List[dict]]:
    """Runs by (preset, framework, variant), seeds in each."""
    groups: Dict[Tuple[str, str, str], List[dict]] = {}
    for run in runs:
        groups.setdefault(run_key(run)[:3], []).append(run)
    return groups


def table(runs: Sequence[dict]) -> str:
    """One row per (preset, framework, variant): R@1 and R@5 on the frames
    (order 0) and on the first derivative (order 1), mean ± std over seeds."""
    order = {name: i for i, name in enumerate(LADDER + ('legacy', ))}
    rows = ['| camera | framework | run | seeds | R@1 order 0 | R@5 order 0 | '
            'R@1 order 1 | R@5 order 1 |',
            '| --- | --- | --- | --- | --- | --- | --- | --- |']
    for (preset, framework, variant), group in sorted(
            grouped(runs).items(),
            key=lambda item: (order.get(item[0][0], 99), item[0])):
        cells = [mean_std([recall(r, o, k) for r in group])
                 for o, k in ((0, 'R@1'), (0, 'R@5'), (1, 'R@1'), (1, 'R@5'))]
        rows.append(f'| {preset} | {framework} | {variant_label(variant)} | '
                    f'{len(group)} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(rows)


def plot_ladder(runs: Sequence[dict], path: Path, framework: str = 'simclr',
                title: str = '') -> bool:
    """R@1 against the camera level (LADDER), one line a variant, mean and
    standard deviation over seeds as error bars; frames (order 0) on the left,
    first derivative (order 1) on the right. Writes ``path`` (PNG) if some
    variant has runs on two or more rungs; returns whether it did."""
    series: Dict[str, Dict[int, List[dict]]] = {}
    for (preset, fw, variant), group in grouped(runs).items():
        if fw == framework and preset in LADDER:
            series.setdefault(variant, {})[LADDER.index(preset)] = group
    series = {v: s for v, s in series.items() if len(s) >= 2}
    if not series:
        return False
    fig, axes = recall_panels('R@1 (%), mean ± std over seeds')
    for ax, order in zip(axes, (0, 1)):
        for i, (variant, points) in enumerate(sorted(series.items())):
            xs = sorted(points)
            values = [[recall(r, order, 'R@1') for r in points[x]] for x in xs]
            means = [statistics.mean(v) for v in values]
            spreads = [statistics.stdev(v) if len(v) > 1 else 0.0
                       for v in values]
            _, compensation = split_variant(variant)
            ax.errorbar([x + 0.04 * (i - len(series) / 2) for x in xs], means,
                        yerr=spreads, capsize=3, marker='o',
                        linestyle='--' if compensation is False else '-',
                        label=variant_label(variant))
        ax.set_xticks(range(len(LADDER)), LADDER)
        ax.set(xlabel='camera')
    save_recall_panels(fig, axes, path, title)
    return True


def plan_runs(args) -> List[Key]:
    """Every run the command asks for, in order."""
    plan = [(p, f, v, s) for p in args.presets for f in args.frameworks
            for v in args.variants for s in args.seeds]
    plan += [(p, args.schedule_framework, v, s) for p in args.presets
             for v in args.schedules for s in args.seeds]
    return list(dict.fromkeys(plan))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--work-dir', type=Path,
                        default=Path('work_dirs/benchmark'))
    parser.add_argument('--presets', '--preset', nargs='+', choices=PRESETS,
                        default=[DEFAULT_PRESET],
                        help='the datasets, MotionDatasetSpec.preset (default '
                        f'{DEFAULT_PRESET}; the camera ladder: '
                        f'{" ".join(LADDER)}; legacy: the static benchmark of '
                        'the first tables of docs/motion_benchmark.md)')
    parser.add_argument('--train-per-class', type=int,
                        help="train videos a class (default: the preset's)")
    parser.add_argument('--test-per-class', type=int,
                        help="test videos a class (default: the preset's)")
    parser.add_argument('--frameworks', nargs='+',
                        default=['simclr', 'byol', 'vicreg'])
    parser.add_argument('--variants', nargs='*', type=check_variant,
                        default=['alternate', 'baseline'],
                        help='runs of every framework (default: %(default)s); '
                        f'one of {list(VARIANTS)}, optionally with +mc or -mc')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--schedules', nargs='*', type=check_variant,
                        default=list(SCHEDULE_VARIANTS),
                        help='runs of --schedule-framework only; none: skip '
                        'them')
    parser.add_argument('--schedule-framework', default='simclr')
    parser.add_argument('--epochs', type=int,
                        help="pretraining epochs (default: the config's)")
    parser.add_argument('--jobs', type=int, default=1,
                        help='runs at a time (each its own process, with '
                        'cores / jobs threads; they can share one GPU)')
    parser.add_argument('--single', action='store_true', help=argparse.SUPPRESS)
    parser.add_argument('--preset-of-run', dest='preset',
                        help=argparse.SUPPRESS)
    parser.add_argument('--framework', help=argparse.SUPPRESS)
    parser.add_argument('--variant', help=argparse.SUPPRESS)
    parser.add_argument('--seed', type=int, help=argparse.SUPPRESS)
    parser.add_argument('--data-root', type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    if args.single:
        return run_one(args)

    log = args.work_dir / 'runs.jsonl'
    runs = [json.loads(line) for line in log.read_text().splitlines()] \
        if log.exists() else []
    sizes = {key: value for key, value in (
        ('train_per_class', args.train_per_class),
        ('test_per_class', args.test_per_class)) if value is not None}
    for preset in args.presets:
        spec = MotionDatasetSpec.preset(preset, **sizes)
        written = ensure_dataset(data_root(args.work_dir, preset), spec,
                                 seed=0, workers=min(args.jobs, 2))
        if written and any(run_key(r)[0] == preset for r in runs):
            raise SystemExit(
                f'{log} holds {preset} runs on another dataset than this '
                'command asks for; choose another --work-dir.')
    plan = plan_runs(args)
    done = {run_key(r) for r in runs}
    todo = [key for key in plan if key not in done]
    for key in list(todo):  # finished after their benchmark was stopped
        result = args.work_dir / run_name(*key) / 'result.json'
        if result.exists():
            runs.append(json.loads(result.read_text()))
            with log.open('a') as f:
                f.write(json.dumps(runs[-1]) + '\n')
            todo.remove(key)
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
            preset, framework, variant, seed = key = todo.pop(0)
            name = run_name(*key)
            (args.work_dir / name / 'result.json').unlink(missing_ok=True)
            with (args.work_dir / f'{name}.log').open('w') as output:
                running[key] = subprocess.Popen(
                    [sys.executable, __file__, '--single', '--preset-of-run',
                     preset, '--framework', framework, '--variant', variant,
                     '--seed', str(seed), '--work-dir', str(args.work_dir),
                     '--data-root', str(data_root(args.work_dir, preset))] +
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
            print(f'{name}: R@1 order 0 {recall(run, 0, "R@1"):.1f}, '
                  f'order 1 {recall(run, 1, "R@1"):.1f} '
                  f'({run["minutes"]:.1f} min)', flush=True)
    markdown = table(runs)
    (args.work_dir / 'results.md').write_text(markdown + '\n')
    print(markdown)
    for framework in args.frameworks:
        path = args.work_dir / f'ladder_{framework}.png'
        if plot_ladder(runs, path, framework):
            print(f'wrote {path}')
    if failed:
        raise SystemExit(f'{len(failed)} runs failed: {", ".join(failed)}; '
                         'rerun the same command to retry them')


if __name__ == '__main__':
    main()
