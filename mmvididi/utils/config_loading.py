"""Loading a config file for the command-line tools: a missing path is an
error that names it (one line, not a traceback, under
:func:`mmvididi.utils.cli.exit_on_user_error`)."""
import os.path as osp

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
