"""Re-estimate a checkpoint's batch-norm running statistics on the clips of one
derivative order (order 0: the frames) of the train videos, and save the result
as a new checkpoint: a test of whether the running statistics that training
kept (of both orders of a pair, docs/method.md) are what holds the frame
features back.

    python tools/benchmark/frame_bn_stats.py CONFIG CHECKPOINT DATA_ROOT OUT \
        [--order 0] [--epochs 1]

CONFIG is a synthetic-motion config (``configs/synthetic_motion/...``), read as
``tools/benchmark/tuning_run.py`` reads it; DATA_ROOT the dataset whose train
videos give the clips (both views of every video, ``--epochs`` passes of the
training pipeline). Every batch-norm layer of the backbone gets the exact mean
of its batch statistics over those batches. Test OUT as any checkpoint, e.g.
``tuning_run.py NAME CONFIG DATA_ROOT 0 --options '{"load_from": "OUT"}'``.
"""
import argparse
import sys
from pathlib import Path
from typing import Iterable

import torch
from mmengine.runner import Runner
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

# the Runner helpers beside this file
sys.path.insert(0, str(Path(__file__).resolve().parent))
from motion_benchmark import benchmark_config  # noqa: E402


@torch.no_grad()
def refresh_bn_statistics(module: nn.Module,
                          batches: Iterable[torch.Tensor]) -> int:
    """Set the running mean and variance of every batch-norm layer in
    ``module`` to the mean of its batch statistics over ``batches`` (the
    cumulative average of ``momentum=None``); the weights, each layer's
    momentum and the module's train/eval mode are left as they were.

    Returns:
        The number of batches seen.
    """
    layers = [m for m in module.modules() if isinstance(m, _BatchNorm)]
    momenta = [layer.momentum for layer in layers]
    training = module.training
    for layer in layers:
        layer.reset_running_stats()
        layer.momentum = None
    module.train()
    seen = 0
    try:
        for batch in batches:
            module(batch)
            seen += 1
    finally:
        for layer, momentum in zip(layers, momenta):
            layer.momentum = momentum
        module.train(training)
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoint', type=Path)
    parser.add_argument('data_root', type=Path)
    parser.add_argument('out', type=Path)
    parser.add_argument('--order', type=int, default=0,
                        help='the derivative order whose clips give the '
                        'statistics (0: the frames)')
    parser.add_argument('--epochs', type=int, default=1,
                        help='passes over the train videos')
    args = parser.parse_args()
    cfg = benchmark_config(args.config, args.data_root,
                           args.out.parent / f'{args.out.stem}_work_dir')
    runner = Runner.from_cfg(cfg)
    runner.load_checkpoint(str(args.checkpoint))
    model = runner.model
    if args.order not in model.orders:
        parser.error(f'--order {args.order}: {args.config} computes the orders '
                     f'{model.orders}; give one of them.')

    def clips():
        for _ in range(args.epochs):
            for data in runner.train_dataloader:
                inputs = model.data_preprocessor(data, training=True)['inputs']
                for view in range(inputs[args.order].shape[1]):
                    yield inputs[args.order][:, view]

    seen = refresh_bn_statistics(model.backbone, clips())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({'state_dict': model.state_dict(),
                'meta': {'frame_bn_stats': dict(
                    checkpoint=str(args.checkpoint), order=args.order,
                    epochs=args.epochs, batches=seen)}}, args.out)
    print(f'{args.out}: the backbone\'s batch-norm statistics of {seen} '
          f'batches of order-{args.order} clips')


if __name__ == '__main__':
    main()
