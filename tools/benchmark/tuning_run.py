"""One tuning run of a synthetic-motion config on a dataset of your choice
(tune on a dataset of another seed than the benchmark's, never on its test
videos): train and test through the Runner, append one line to a JSONL log.

    python tools/benchmark/tuning_run.py NAME CONFIG DATA_ROOT EPOCHS \
        [--options '{"orders": [0, 1], "batch": 16, "seed": 0,
                     "model.data_preprocessor.motion_compensation": "similarity"}'] \
        [--work-dir work_dirs/tuning] [--log work_dirs/tuning/results.jsonl] \
        [--resume]

EPOCHS 0 tests the config's encoder as built, randomly initialised (seeded by
``seed``): the floor that training has to beat. --options is JSON: ``orders``,
``batch`` and ``seed`` go to benchmark_config's arguments, every other key is a
--cfg-options key. The line keeps the name, the
options, R@1 of the test videos among the train videos on order 0, order 1 and
both, R@5 on order 0, the final loss, wall minutes, train and test wall seconds,
torch's threads and the load average at the end (CPU wall times on a shared
machine vary). Runs side by side on a few cores: give each
``OMP_NUM_THREADS`` = cores / runs; torch's default, a thread a core in every
run, oversubscribes the cores (two runs on 2 cores took 2.2 to 2.5 s a step
each, against 0.7 to 0.85 s with ``OMP_NUM_THREADS=1``).
--resume goes on from the newest checkpoint in the run's work dir (the
Runner's own resume: weights, optimizer, schedules, iteration); the line then
names the checkpoint it went on from, and its wall times cover only the part run here.
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

import torch
from mmengine.runner import Runner, find_latest_checkpoint

# the Runner helpers beside this file
sys.path.insert(0, str(Path(__file__).resolve().parent))
from motion_benchmark import (benchmark_config, loss_curve,  # noqa: E402
                              retrieval_groups)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('name')
    parser.add_argument('config')
    parser.add_argument('data_root', type=Path)
    parser.add_argument('epochs', type=int)
    parser.add_argument('--options', type=json.loads, default={})
    parser.add_argument('--work-dir', type=Path,
                        default=Path('work_dirs/tuning'))
    parser.add_argument('--log', type=Path,
                        default=Path('work_dirs/tuning/results.jsonl'))
    parser.add_argument('--resume', action='store_true',
                        help="go on from the newest checkpoint in the run's "
                        'work dir')
    args = parser.parse_args()
    options = dict(args.options)
    orders = options.pop('orders', None)
    batch = options.pop('batch', None)
    seed = options.pop('seed', 0)
    start = time.time()
    cfg = benchmark_config(args.config, args.data_root,
                           args.work_dir / args.name, seed=seed,
                           orders=orders, max_epochs=args.epochs or None,
                           batch_size=batch, cfg_options=options)
    cfg.resume = args.resume
    # the checkpoint the Runner's resume will pick (None: it starts afresh)
    resumed_from = (find_latest_checkpoint(cfg.work_dir)
                    if args.resume else None)
    runner = Runner.from_cfg(cfg)
    if args.epochs:
        runner.train()
    trained = time.time()
    groups = retrieval_groups(runner.test())
    record = dict(
        name=args.name, config=args.config, root=str(args.data_root),
        epochs=args.epochs, orders=orders, batch=batch, seed=seed,
        opts=options, minutes=round((time.time() - start) / 60, 2),
        load=os.getloadavg()[0], r1_o0=groups['order0']['R@1'],
        r1_o1=groups['order1']['R@1'], r1_o01=groups['orders0+1']['R@1'],
        r5_o0=groups['order0']['R@5'],
        final_loss=loss_curve(runner)[-1] if args.epochs else None,
        train_wall=round(trained - start), threads=torch.get_num_threads(),
        test_wall=round(time.time() - trained), resumed_from=resumed_from)
    print(json.dumps(record), flush=True)
    args.log.parent.mkdir(parents=True, exist_ok=True)
    with args.log.open('a') as f:
        f.write(json.dumps(record) + '\n')


if __name__ == '__main__':
    main()
