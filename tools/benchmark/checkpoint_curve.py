"""Retrieval R@1 along a run: test every ``epoch_N.pth`` of one or more runs
through the Runner and draw R@1 against the epoch.

    python tools/benchmark/checkpoint_curve.py DATA_ROOT OUT.png \
        --run "ViDiDi=configs/synthetic_motion/vididi_simclr_r3d_tiny.py:RUN_DIR" \
        --run "baseline=configs/synthetic_motion/simclr_r3d_tiny.py:RUN_DIR2" \
        [--epoch-zero] [--log OUT.jsonl] [--title TEXT]

Each checkpoint is tested as the run's last one is (``benchmark_config`` on
DATA_ROOT: its test videos as queries among its train videos, the config's
``VideoRetrievalMetric`` over orders 0 and 1). ``--epoch-zero`` adds each
run's encoder as built: its config under the seed the run was trained with
(``randomness.seed`` of the config the Runner saved in the run's folder; 0 if
none is there), the run's own initialisation; tested once for the runs of one
config and seed.
Results are appended to ``--log`` (default: OUT with ``.jsonl``) one line a
checkpoint, with the ``tools/test.py`` command that gives the same numbers;
a checkpoint already there is not tested again, so the command resumes where
it stopped. The figure has frames (order 0) on the left and the first
derivative (order 1) on the right.
"""
import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from mmengine.config import Config
from mmengine.runner import Runner

# the Runner helpers beside this file
sys.path.insert(0, str(Path(__file__).resolve().parent))
from motion_benchmark import (benchmark_config, recall_panels,  # noqa: E402
                              retrieval_groups, save_recall_panels,
                              test_command)

EPOCH_CHECKPOINT = re.compile(r'epoch_(\d+)\.pth')


def parse_run(text: str) -> Tuple[str, str, Path]:
    """``LABEL=CONFIG:WORK_DIR`` to its three parts."""
    label, sep, rest = text.partition('=')
    config, sep2, work_dir = rest.partition(':')
    if not (sep and sep2 and label and config and work_dir):
        raise argparse.ArgumentTypeError(
            f'--run {text!r}: expected LABEL=CONFIG:WORK_DIR')
    return label, config, Path(work_dir)


def epoch_checkpoints(work_dir: Path) -> List[Tuple[int, Path]]:
    """``(epoch, path)`` of every ``epoch_N.pth`` in ``work_dir``, by epoch."""
    found = [(int(m.group(1)), path) for path in Path(work_dir).iterdir()
             if (m := EPOCH_CHECKPOINT.fullmatch(path.name))]
    return sorted(found)


def run_seed(work_dir: Path) -> int:
    """The seed a run was trained with: ``randomness.seed`` of the config the
    Runner saved in ``work_dir`` (0 where none is there)."""
    for dumped in sorted(Path(work_dir).glob('*.py')):
        seed = (Config.fromfile(str(dumped)).get('randomness') or {}).get(
            'seed')
        if seed is not None:
            return int(seed)
    return 0


def test_checkpoint(config: str, checkpoint: Optional[Path], data_root: Path,
                    work_dir: Path,
                    seed: int = 0) -> Dict[str, Dict[str, float]]:
    """``runner.test()`` of ``checkpoint`` (``None``: the encoder as built
    under ``seed``), by feature group (``{'order0': {'R@1': ...}, ...}``)."""
    cfg = benchmark_config(config, data_root, work_dir, seed=seed)
    cfg.load_from = None if checkpoint is None else str(checkpoint)
    return retrieval_groups(Runner.from_cfg(cfg).test())


def plot_curves(records: Sequence[dict], path: Path, title: str = '') -> None:
    """R@1 against the epoch, one line a run; order 0 left, order 1 right."""
    runs: Dict[str, List[dict]] = {}
    for record in records:
        runs.setdefault(record['label'], []).append(record)
    fig, axes = recall_panels('R@1 (%)')
    for ax, key in zip(axes, ('r1_o0', 'r1_o1')):
        for label, points in runs.items():
            points = sorted(points, key=lambda r: r['epoch'])
            ax.plot([r['epoch'] for r in points], [r[key] for r in points],
                    marker='o', label=label)
        ax.set(xlabel='epoch')
    save_recall_panels(fig, axes, path, title)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('data_root', type=Path)
    parser.add_argument('out', type=Path, help='the figure (PNG)')
    parser.add_argument('--run', type=parse_run, action='append',
                        required=True, help='LABEL=CONFIG:WORK_DIR')
    parser.add_argument('--epoch-zero', action='store_true')
    parser.add_argument('--log', type=Path)
    parser.add_argument('--title', default='')
    args = parser.parse_args(argv)
    log = args.log or args.out.with_suffix('.jsonl')
    records = [json.loads(line) for line in log.read_text().splitlines()
               if line.strip()] if log.exists() else []
    done = {(r['label'], r['epoch']) for r in records}
    scratch = log.parent / (log.stem + '_tests')
    # the encoder as built is the same for every run of a config and seed
    # (lines written before the seed was recorded were built under seed 0)
    built = {(r['config'], r.get('seed', 0)): r for r in records
             if r['checkpoint'] is None}
    for label, config, work_dir in args.run:
        todo = epoch_checkpoints(work_dir)
        seed = run_seed(work_dir)
        if args.epoch_zero:
            todo.insert(0, (0, None))
        for epoch, checkpoint in todo:
            if (label, epoch) in done:
                continue
            if checkpoint is None and (config, seed) in built:
                record = dict(built[config, seed], label=label)
            else:
                record = measure(label, epoch, config, checkpoint,
                                 args.data_root, scratch, seed)
            if checkpoint is None:
                built[config, seed] = record
            print(json.dumps(record), flush=True)
            records.append(record)
            log.parent.mkdir(parents=True, exist_ok=True)
            with log.open('a') as f:
                f.write(json.dumps(record) + '\n')
    args.out.parent.mkdir(parents=True, exist_ok=True)
    plot_curves(records, args.out, args.title)
    print(f'wrote {args.out} and {log}')


def measure(label: str, epoch: int, config: str, checkpoint: Optional[Path],
            data_root: Path, scratch: Path, seed: int = 0) -> dict:
    """One checkpoint's line: its recalls and the command that gives them;
    ``seed``: the run's, which builds the encoder of epoch 0."""
    start = time.time()
    groups = test_checkpoint(config, checkpoint, data_root, scratch, seed)
    return dict(
        label=label, epoch=epoch, config=config, seed=seed,
        checkpoint=None if checkpoint is None else str(checkpoint),
        r1_o0=groups['order0']['R@1'], r1_o1=groups['order1']['R@1'],
        r5_o0=groups['order0']['R@5'], r5_o1=groups['order1']['R@5'],
        test_seconds=round(time.time() - start),
        command=None if checkpoint is None else
        test_command(config, checkpoint, data_root))


if __name__ == '__main__':
    main()
