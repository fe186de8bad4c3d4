"""The embedded default: ViDiDi against its baseline on videos labelled by motion.

    python tools/demo.py [--work-dir work_dirs/demo] [--framework simclr]
        [--seed 0] [--epochs 20] [--preset legacy] [--train-per-class 48]
        [--test-per-class 16] [--batch-size 32] [--cfg-options KEY=VALUE ...]

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
4. writes results.md, results.json (each run's numbers and the tools/test.py
   command that gives them again from its checkpoint), loss_curves.png and
   recall_at_k.png to the work dir. No download is needed; about 7 minutes on
   2 CPU cores.

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
from motion_benchmark import (DEFAULT_PRESET, benchmark_config,  # noqa: E402
                              ensure_dataset, last_checkpoint, loss_curve,
                              retrieval_groups, test_command, train_and_test)

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
    if not ensure_dataset(data_root, spec, args.seed, progress):
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
    print(f'wrote {args.work_dir}/results.md, results.json, loss_curves.png, '
          f'recall_at_k.png in {(time.perf_counter() - start) / 60:.1f} min')


if __name__ == '__main__':
    main()
