"""Test (evaluate) a checkpoint with a config: MMAction2's tools/test.py flags.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--dump results.pkl]
        [--cfg-options key=value ...] [--launcher pytorch]

The config needs ``test_dataloader``, ``test_evaluator`` and ``test_cfg``.
"""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

import mmvididi  # noqa: F401  (compat fixes before any config is built)
from mmvididi.utils import adapt_to_device, exit_on_user_error, load_config
from mmvididi.utils.checkpoint_loading import check_checkpoint_exists
from mmvididi.utils.runtime import close_process_group


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a video model')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file or URL')
    parser.add_argument('--work-dir', help='where logs and results go; '
                        'default work_dirs/<config name>')
    parser.add_argument('--dump', help='also dump the predictions to this '
                        '.pkl file')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, e.g. '
                        'test_dataloader.batch_size=8')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'])
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if args.dump is not None and not args.dump.endswith(('.pkl', '.pickle')):
        parser.error(f'--dump {args.dump}: give a .pkl file.')
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
    cfg.load_from = args.checkpoint
    if args.dump is not None:
        evaluators = cfg.test_evaluator if isinstance(
            cfg.test_evaluator, list) else [cfg.test_evaluator]
        cfg.test_evaluator = evaluators + [
            dict(type='DumpResults', out_file_path=args.dump)]
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    return adapt_to_device(cfg)


def main() -> None:
    args = parse_args()
    # a missing config or checkpoint, or a checkpoint that does not fit the
    # model, ends with one line that names the file and the fix
    with exit_on_user_error():
        check_checkpoint_exists(args.checkpoint)  # before anything is built
        cfg = merge_args(load_config(args.config), args)
        try:
            Runner.from_cfg(cfg).test()
        finally:
            close_process_group()


if __name__ == '__main__':
    main()
