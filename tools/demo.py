"""The embedded default: ViDiDi against its baseline on videos labelled by motion.

    python tools/demo.py [--work-dir work_dirs/demo] [--framework simclr]
        [--seed 0] [--epochs 20] [--preset legacy] [--train-per-class 48]
        [--test-per-class 16] [--batch-size 32] [--no-probes]
        [--cfg-options KEY=VALUE ...]

1. writes the synthetic motion dataset (real H.264 videos: one object moving over a
   random background; the class is its motion, appearance is random; --preset
   picks MotionDatasetSpec.preset, 'legacy' the static benchmark of the published
   numbers) to <work-dir>/synthetic_motion unless it is there already;
2. pretrains ViDiDi (orders 0, 1, 2; configs/synthetic_motion/
   vididi_<framework>_r3d_tiny.py) and its baseline twin (order 0 only: the plain
   framework; <framework>_r3d_tiny.py), same encoder, steps and seed, with
   mmengine's Runner (runner.train());
3. tests each with the same Runner (runner.test(): the config's test_dataloader and
   VideoRetrievalMetric): every test video is a query among the train videos, by
   cosine similarity of the encoder's features of the frames (order0), of the
   first derivative (order1) and of both (orders0+1); prints R@1/5/10;
   and prints the headline: R@1 on the frames (order 0), ViDiDi against the
   baseline;
4. probes motion (unless --no-probes): the test videos as clips at 1x / 2x / 4x
   speed, forward and time-reversed, frozen frame features of ViDiDi, of the
   baseline and of a randomly initialised encoder, linear probes of speed,
   direction and both split by source video, frame-shuffle sensitivity, and the
   hand-made motion-energy feature as the floor
   (configs/probes/motion_probe_synthetic_motion_tiny.py, MotionProbeMetric);
5. writes results.md, results.json (each run's numbers and the tools/test.py
   commands that give them again from its checkpoint), motion_probes.json,
   loss_curves.png, recall_at_k.png and motion_probes.png to the work dir. No
   download is needed; about 7 minutes on 2 CPU cores before the probes.

Shrunk, to see that everything runs (a minute or two; the numbers mean nothing):

    python tools/demo.py --work-dir work_dirs/demo_quick --epochs 1 \\
        --train-per-class 2 --test-per-class 1 --batch-size 8
"""
import argparse
import json
import shlex
import sys
import time
from pathlib import Path

from matplotlib.figure import Figure
from mmengine.config import DictAction

import mmvididi  # noqa: F401
from mmvididi.data_preparation.synthetic_motion import (PRESETS,
                                                        MotionDatasetSpec)
from mmvididi.engine import ProgressBarHook

# the Runner helpers live with the benchmarks (tools/benchmark/motion_benchmark.py)
sys.path.insert(0, str(Path(__file__).resolve().parent / 'benchmark'))
from motion_benchmark import (DEFAULT_PRESET, PROBE_CONFIG,  # noqa: E402
                              benchmark_config, ensure_dataset,
                              last_checkpoint, loss_curve, probe_command,
                              probe_config, retrieval_groups, run_probe,
                              test_command, train_and_test)

# the motion probes' accuracies, as MotionProbeMetric names them
PROBE_TASKS = ('speed', 'direction', 'joint')
RANDOM = 'random encoder'  # the probes' untrained reference

# (name, config): ViDiDi and its baseline twin
RUNS = (('ViDiDi', 'configs/synthetic_motion/vididi_{}_r3d_tiny.py'),
        ('baseline', 'configs/synthetic_motion/{}_r3d_tiny.py'))


def progress(done: int, total: int) -> None:
    if done % 64 == 0 or done == total:
        print(f'dataset: {done}/{total} videos encoded', flush=True)


def write_reports(work_dir: Path, results: dict, curves: dict,
                  header: str) -> str:
    """results.json, results.md, loss_curves.png, recall_at_k.png; returns
    the markdown table. ``results[name]['retrieval']`` is
    ``{feature group: {'R@k': %}}``, the metric's groups (order0, order1,
    orders0+1); ``results[name]['test_command']``, if there, goes under the
    table."""
    (work_dir / 'results.json').write_text(json.dumps(results, indent=2))
    groups = list(next(iter(results.values()))['retrieval'])
    ks = list(next(iter(results.values()))['retrieval'][groups[0]])
    rows = ['| model | features | ' + ' | '.join(ks) + ' |',
            '| --- | --- | ' + ' | '.join('---' for _ in ks) + ' |']
    for name, result in results.items():
        for group in groups:
            recall = result['retrieval'][group]
            rows.append(f'| {name} | {group} | ' + ' | '.join(
                f'{recall[k]:.1f}' for k in ks) + ' |')
    table = '\n'.join(rows)
    commands = [f'- {name}: `{result["test_command"]}`'
                for name, result in results.items() if 'test_command' in result]
    again = ('\n\nThe same numbers from the checkpoints:\n\n' +
             '\n'.join(commands)) if commands else ''
    (work_dir / 'results.md').write_text(f'{header}\n\n{table}{again}\n')

    fig = Figure(figsize=(6, 4))  # no pyplot: no GUI backend, no state
    ax = fig.subplots()
    for name, curve in curves.items():
        ax.plot(range(1, len(curve) + 1), curve, label=name)
    ax.set(xlabel='iteration', ylabel='training loss', title='Pretraining loss')
    ax.legend()
    fig.tight_layout()
    fig.savefig(work_dir / 'loss_curves.png', dpi=100)

    fig = Figure(figsize=(4 * len(groups), 3.5))
    axes = fig.subplots(1, len(groups), sharey=True, squeeze=False)
    width = 0.8 / len(results)
    for ax, group in zip(axes[0], groups):
        for i, (name, result) in enumerate(results.items()):
            recall = result['retrieval'][group]
            ax.bar([j + width * i for j in range(len(ks))],
                   [recall[k] for k in ks], width=width, label=name)
        ax.set_xticks([j + width * (len(results) - 1) / 2
                       for j in range(len(ks))], ks)
        ax.set(title=f'features: {group}', ylim=(0, 100))
    axes[0][0].set_ylabel('recall (%)')
    axes[0][0].legend()
    fig.tight_layout()
    fig.savefig(work_dir / 'recall_at_k.png', dpi=100)
    return table


def headline(results: dict, chance: float = 100 / 8) -> str:
    """The demo's finding in one line: R@1 on the frames (order 0), ViDiDi
    against its baseline twin."""
    ours, theirs = (results[name]['retrieval']['order0']['R@1']
                    for name in ('ViDiDi', 'baseline'))
    return (f'Frame features (order 0), R@1: ViDiDi {ours:.1f}, baseline '
            f'{theirs:.1f} ({ours - theirs:+.1f} points; chance {chance:.1f})')


def probe_table(probes: dict) -> str:
    """Markdown: each model's probe accuracies (%), the hand-made
    motion-energy feature's and chance; ``probes[name]`` is
    ``run_probe``'s dict."""
    rows = ['| features | ' + ' | '.join(PROBE_TASKS) +
            ' | shuffle sensitivity |',
            '| --- | ' + ' | '.join('---' for _ in PROBE_TASKS) + ' | --- |']
    for name, probe in probes.items():
        rows.append(f'| {name}, frames | ' + ' | '.join(
            f'{probe[task]:.1f}' for task in PROBE_TASKS) +
            f' | {probe.get("shuffle_sensitivity", float("nan")):.3f} |')
    first = next(iter(probes.values()))
    for label, prefix in (('motion energy (hand-made)', 'motion_energy/'),
                          ('chance', None)):
        cells = [first[f'{prefix}{task}'] if prefix else
                 first[f'{task}_chance'] for task in PROBE_TASKS]
        rows.append(f'| {label} | ' + ' | '.join(f'{c:.1f}' for c in cells) +
                    ' | |')
    return '\n'.join(rows)


def plot_probes(path: Path, probes: dict) -> None:
    """Bars of the probes' accuracies, chance as a line per task."""
    first = next(iter(probes.values()))
    bars = {f'{name}, frames': [probe[t] for t in PROBE_TASKS]
            for name, probe in probes.items()}
    bars['motion energy'] = [first[f'motion_energy/{t}'] for t in PROBE_TASKS]
    fig = Figure(figsize=(7, 3.5))
    ax = fig.subplots()
    width = 0.8 / len(bars)
    for i, (name, values) in enumerate(bars.items()):
        ax.bar([j + width * i for j in range(len(PROBE_TASKS))], values,
               width=width, label=name)
    for j, task in enumerate(PROBE_TASKS):
        ax.hlines(first[f'{task}_chance'], j - width / 2, j + 0.8 - width / 2,
                  colors='black', linestyles=':')
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(PROBE_TASKS))],
                  PROBE_TASKS)
    ax.set(ylabel='linear probe accuracy (%)', ylim=(0, 100),
           title='Motion probes (speed 1x/2x/4x x forward/reversed; '
           'dotted: chance)')
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def parse_args() -> argparse.Namespace:
    spec = MotionDatasetSpec.preset(DEFAULT_PRESET)
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--work-dir', type=Path, default=Path('work_dirs/demo'))
    parser.add_argument('--framework', choices=['simclr', 'byol', 'vicreg'],
                        default='simclr')
    parser.add_argument('--seed', type=int, default=0,
                        help='of the dataset and of both runs')
    parser.add_argument('--epochs', type=int,
                        help="pretraining epochs (default: the config's 20)")
    parser.add_argument('--preset', choices=PRESETS, default=DEFAULT_PRESET,
                        help='the dataset: MotionDatasetSpec.preset (default '
                        '%(default)s: static camera, the published numbers)')
    parser.add_argument('--train-per-class', type=int,
                        default=spec.train_per_class,
                        help='train videos a class (%(default)s; 8 classes)')
    parser.add_argument('--test-per-class', type=int,
                        default=spec.test_per_class,
                        help='test videos a class (%(default)s)')
    parser.add_argument('--batch-size', type=int,
                        help="pretraining batch (default: the config's 32); "
                        'at most the number of train videos')
    parser.add_argument('--no-probes', action='store_true',
                        help='skip the motion probes (speed and direction '
                        'of the test videos, read off frozen frame features)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        default={},
                        help='override keys of both runs\' configs, as in '
                        'tools/train.py, e.g. train_dataloader.num_workers=0')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    start = time.perf_counter()
    spec = MotionDatasetSpec.preset(args.preset,
                                    train_per_class=args.train_per_class,
                                    test_per_class=args.test_per_class)
    data_root = args.work_dir / 'synthetic_motion'
    if not ensure_dataset(data_root, spec, args.seed, progress, workers=2):
        print(f'dataset: reusing {data_root}')

    results, curves = {}, {}
    for name, config in RUNS:
        config = config.format(args.framework)
        cfg = benchmark_config(config, data_root, args.work_dir / name,
                               seed=args.seed, max_epochs=args.epochs,
                               batch_size=args.batch_size,
                               cfg_options=args.cfg_options)
        print(f'[{name}] pretraining, then testing with {config}', flush=True)
        runner, metrics = train_and_test(cfg, [ProgressBarHook(name)])
        curves[name] = loss_curve(runner)
        checkpoint = last_checkpoint(cfg.work_dir)
        results[name] = dict(
            config=config, preset=args.preset, orders=list(cfg.model.orders),
            seed=args.seed,
            epochs=cfg.train_cfg.max_epochs, final_loss=curves[name][-1],
            retrieval=retrieval_groups(metrics), checkpoint=str(checkpoint),
            test_command=test_command(config, checkpoint, data_root,
                                      args.cfg_options))

    epochs = cfg.train_cfg.max_epochs
    header = (f'Retrieval of the synthetic motion test videos ({args.preset}) '
              f'among the train videos, {args.framework} with an R3D-18 (8 '
              'base channels), '
              f'{epochs} epoch{"s" * (epochs != 1)}, seed {args.seed}: '
              f'`{shlex.join(["python"] + sys.argv)}`')
    table = write_reports(args.work_dir, results, curves, header)
    print(f'\n{table}\n')
    print(headline(results))
    if not args.no_probes:
        print('motion probes: frozen frame features of the test videos at '
              f'speeds 1x/2x/4x, forward and reversed ({PROBE_CONFIG})',
              flush=True)
        probes = {}
        for name in [*results, RANDOM]:
            checkpoint = results[name]['checkpoint'] if name in results \
                else None
            probes[name] = run_probe(probe_config(
                checkpoint, data_root, args.work_dir / 'probes' / name))
            if name in results:
                results[name]['probes'] = probes[name]
                results[name]['probe_command'] = probe_command(
                    checkpoint, data_root)
        probes_md = probe_table(probes)
        plot_probes(args.work_dir / 'motion_probes.png', probes)
        (args.work_dir / 'results.json').write_text(
            json.dumps(results, indent=2))
        (args.work_dir / 'motion_probes.json').write_text(
            json.dumps(probes, indent=2))
        with (args.work_dir / 'results.md').open('a') as f:
            f.write(f'\nMotion probes (linear, split by source video; %):'
                    f'\n\n{probes_md}\n')
        print(f'\n{probes_md}\n')
    print(f'wrote {args.work_dir}/results.md, results.json, loss_curves.png, '
          'recall_at_k.png' + ('' if args.no_probes else
                               ', motion_probes.json, motion_probes.png')
          + f' in {(time.perf_counter() - start) / 60:.1f} min')


if __name__ == '__main__':
    main()
