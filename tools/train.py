"""Train (pretrain) a model from a config: MMAction2's tools/train.py flags.

    python tools/train.py configs/vididi_simclr_r3d_ucf101.py [--work-dir DIR]
        [--resume [CHECKPOINT]] [--amp] [--auto-scale-lr] [--seed N]
        [--deterministic] [--cfg-options key=value ...] [--launcher pytorch]
"""
import argparse
import os
import os.path as osp

import torch
from mmengine.config import Config, DictAction
from mmengine.runner import Runner

import mmvididi  # noqa: F401  (compat fixes before any config is built)
from mmvididi.utils import adapt_to_device, exit_on_user_error, load_config
from mmvididi.utils.runtime import close_process_group

#: --amp: the mixed-precision wrapper of each wrapper type it accepts
AMP_WRAPPERS = {
    'OptimWrapper': 'AmpOptimWrapper',
    'AmpOptimWrapper': 'AmpOptimWrapper',
    'SkipNonFiniteOptimWrapper': 'SkipNonFiniteAmpOptimWrapper',
    'SkipNonFiniteAmpOptimWrapper': 'SkipNonFiniteAmpOptimWrapper',
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a video model')
    parser.add_argument('config', help='config file')
    parser.add_argument('--work-dir', help='where logs and checkpoints go; '
                        'default work_dirs/<config name>')
    parser.add_argument('--resume', nargs='?', const='auto',
                        help='resume from this checkpoint, or without a path '
                        'from the latest one in the work dir')
    parser.add_argument('--amp', action='store_true',
                        help='automatic mixed precision (AmpOptimWrapper)')
    parser.add_argument('--no-validate', action='store_true',
                        help='skip validation during training')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the lr by the actual total batch size '
                        'over auto_scale_lr.base_batch_size')
    parser.add_argument('--seed', type=int, help='random seed')
    parser.add_argument('--diff-rank-seed', action='store_true',
                        help='a different seed on every rank')
    parser.add_argument('--deterministic', action='store_true',
                        help='deterministic algorithms (cuDNN included)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, e.g. '
                        'train_dataloader.batch_size=8 model.orders="(0,)"')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'])
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """The command line over the config file."""
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    if args.amp:
        if not torch.cuda.is_available():
            raise ValueError("--amp needs a GPU: mmengine's AmpOptimWrapper "
                             'does not run on CPUs; train without it.')
        wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
        if wrapper not in AMP_WRAPPERS:
            raise ValueError(f'--amp needs optim_wrapper.type one of '
                             f'{sorted(AMP_WRAPPERS)}, not {wrapper}.')
        # the dynamic loss scale skips the steps whose gradients overflow; the
        # SkipNonFinite wrappers also the steps whose loss is not finite
        cfg.optim_wrapper.type = AMP_WRAPPERS[wrapper]
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume is not None:
        cfg.resume = True
        cfg.load_from = None if args.resume == 'auto' else args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    if cfg.get('randomness') is None:
        cfg.randomness = dict(seed=args.seed, diff_rank_seed=args.diff_rank_seed,
                              deterministic=args.deterministic)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def main() -> None:
    args = parse_args()
    # a missing config or load_from checkpoint, or a --resume / load_from
    # checkpoint that does not fit the model, ends with one line that names
    # the file and the fix
    with exit_on_user_error():
        cfg = merge_args(load_config(args.config), args)
        # ViDiDiHook (default_hooks.pair_schedule) checks the config first
        try:
            Runner.from_cfg(adapt_to_device(cfg)).train()
        finally:
            close_process_group()


if __name__ == '__main__':
    main()
