"""Loading a config file for the command-line tools: a missing path is one
line that names it, not a traceback."""
import os.path as osp
import sys

from mmengine.config import Config


class ConfigNotFoundError(FileNotFoundError):
    """The config file given does not exist."""


def load_config(path: str) -> Config:
    """``Config.fromfile(path)``; raises :class:`ConfigNotFoundError` with a
    one-line message that names ``path`` when there is no such file."""
    if not osp.isfile(path):
        hint = ' (it is a folder)' if osp.isdir(path) else ''
        raise ConfigNotFoundError(
            f'config file {path} does not exist{hint}; give the path of a '
            'config, e.g. configs/vididi_simclr_r3d_ucf101.py.')
    return Config.fromfile(path)


def load_config_or_exit(path: str) -> Config:
    """:func:`load_config` for a tool's ``main()``: a missing file ends the
    process with ``error: config file <path> does not exist; ...`` on stderr
    and exit status 2 (argparse's status for bad arguments)."""
    try:
        return load_config(path)
    except ConfigNotFoundError as error:
        print(f'error: {error}', file=sys.stderr)
        sys.exit(2)
