"""The embedded default: ViDiDi against its baseline on videos labelled by motion.

    python tools/demo.py [--work-dir work_dirs/demo] [--framework simclr]
        [--epochs 20] [--seed 0]

1. writes the synthetic motion dataset (real H.264 videos: one object moving over a
   random background; the class is its motion, appearance is random) unless the
   work dir already has it;
2. pretrains ViDiDi (orders 0, 1, 2) and its baseline twin (order 0 only: the plain
   framework) from configs/synthetic_motion/, same encoder, steps and seed;
3. retrieves the test videos among the train videos by cosine similarity of the
   encoder's features, on the frames (order 0) and on the first derivative
   (order 1), and prints R@1/5/10 for both models;
4. writes results.md, results.json, loss_curves.png and recall_at_k.png to the work
   dir. No download is needed; about 7 minutes on 2 CPU cores.
"""
import argparse
import json
import time
from pathlib import Path

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

import mmvididi  # noqa: E402,F401
from mmvididi.apis import (benchmark_config, loss_curve,  # noqa: E402
                           motion_retrieval, pretrain)
from mmvididi.data_preparation.synthetic_motion import (  # noqa: E402
    MotionDatasetSpec, generate_motion_dataset)
from mmvididi.engine import ProgressBarHook  # noqa: E402

RUNS = (('ViDiDi', (0, 1, 2)), ('baseline', (0, )))


def ensure_dataset(root: Path, seed: int) -> None:
    """Generate the dataset once; a stamp of its spec and seed marks it done."""
    spec = MotionDatasetSpec()
    stamp = json.dumps(dict(spec=repr(spec), seed=seed))
    if (root / 'spec.json').exists() and (root / 'spec.json').read_text() == stamp:
        print(f'dataset: reusing {root}')
        return

    def progress(done: int, total: int) -> None:
        if done % 64 == 0 or done == total:
            print(f'dataset: {done}/{total} videos encoded', flush=True)

    generate_motion_dataset(root, spec, seed, progress)
    (root / 'spec.json').write_text(stamp)


def write_reports(work_dir: Path, results: dict, curves: dict,
                  header: str) -> str:
    """results.json, results.md, loss_curves.png, recall_at_k.png; returns
    the markdown table."""
    (work_dir / 'results.json').write_text(json.dumps(results, indent=2))
    protocols = list(next(iter(results.values()))['retrieval'])
    rows = ['| model | features | R@1 | R@5 | R@10 |',
            '| --- | --- | --- | --- | --- |']
    for name, result in results.items():
        for protocol in protocols:
            recall = result['retrieval'][protocol]
            rows.append(f'| {name} | {protocol} | ' + ' | '.join(
                f'{recall[k]:.1f}' for k in ('R@1', 'R@5', 'R@10')) + ' |')
    table = '\n'.join(rows)
    (work_dir / 'results.md').write_text(f'{header}\n\n{table}\n')

    fig, ax = plt.subplots(figsize=(6, 4))
    for name, curve in curves.items():
        ax.plot(range(1, len(curve) + 1), curve, label=name)
    ax.set(xlabel='iteration', ylabel='training loss', title='Pretraining loss')
    ax.legend()
    fig.tight_layout()
    fig.savefig(work_dir / 'loss_curves.png', dpi=100)
    plt.close(fig)

    fig, axes = plt.subplots(1, len(protocols), figsize=(4 * len(protocols), 3.5),
                             sharey=True, squeeze=False)
    for ax, protocol in zip(axes[0], protocols):
        for i, (name, result) in enumerate(results.items()):
            recall = result['retrieval'][protocol]
            ax.bar([j + 0.4 * i for j in range(3)],
                   [recall[k] for k in ('R@1', 'R@5', 'R@10')], width=0.4,
                   label=name)
        ax.set_xticks([0.2, 1.2, 2.2], ['R@1', 'R@5', 'R@10'])
        ax.set(title=f'features of {protocol}', ylim=(0, 100))
    axes[0][0].set_ylabel('recall (%)')
    axes[0][0].legend()
    fig.tight_layout()
    fig.savefig(work_dir / 'recall_at_k.png', dpi=100)
    plt.close(fig)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--work-dir', type=Path, default=Path('work_dirs/demo'))
    parser.add_argument('--framework', choices=['simclr', 'byol', 'vicreg'],
                        default='simclr')
    parser.add_argument('--epochs', type=int, help='default: the config\'s 20')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()

    start = time.perf_counter()
    data_root = args.work_dir / 'synthetic_motion'
    ensure_dataset(data_root, args.seed)
    config = f'configs/synthetic_motion/vididi_{args.framework}_r3d_tiny.py'

    results, curves = {}, {}
    for name, orders in RUNS:
        cfg = benchmark_config(config, data_root, args.work_dir / name,
                               orders=orders, seed=args.seed,
                               max_epochs=args.epochs)
        runner = pretrain(cfg, [ProgressBarHook(name)])
        curves[name] = loss_curve(runner)
        print(f'[{name}] retrieval: extracting features ...', flush=True)
        results[name] = dict(
            config=config, orders=list(orders), seed=args.seed,
            epochs=cfg.train_cfg.max_epochs, final_loss=curves[name][-1],
            retrieval=motion_retrieval(runner.model, cfg, data_root))

    header = (f'Retrieval of the synthetic motion test videos among the train '
              f'videos, {args.framework} with an R3D-18 (8 base channels), '
              f'{cfg.train_cfg.max_epochs} epochs, seed {args.seed}: '
              f'`python tools/demo.py --framework {args.framework} '
              f'--seed {args.seed}`')
    table = write_reports(args.work_dir, results, curves, header)
    print(f'\n{table}\n')
    print(f'wrote {args.work_dir}/results.md, results.json, loss_curves.png, '
          f'recall_at_k.png in {(time.perf_counter() - start) / 60:.1f} min')


if __name__ == '__main__':
    main()
