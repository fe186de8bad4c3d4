"""Checkpoint loading for mmengine that checks what it loads.

``import mmvididi`` registers these loaders with mmengine's ``CheckpointLoader``,
so ``load_from``, ``--resume``, ``backbone.pretrained`` and ``tools/test.py``
use them:

- every checkpoint loads with ``torch.load(weights_only=True)``: tensors and
  plain data only (see ``mmvididi/compat.py`` for mmengine's logs); anything
  else is refused with an error that names the file;
- a checkpoint given by URL is downloaded once to the torch hub cache, and a
  SHA-256 prefix in its name (``name-<hex>.pth``, as ``tools/publish_model.py``
  writes) must match the file, on download and on every later load.
"""
import hashlib
import os
import pickle
import re
from pathlib import Path
from typing import Optional
from urllib.parse import urlparse

import torch
from mmengine.dist import get_dist_info
from mmengine.logging import print_log
from mmengine.runner.checkpoint import CheckpointLoader

HASH_IN_NAME = re.compile(r'-([0-9a-f]{8,64})\.[a-z]+$')


class CheckpointNotFoundError(FileNotFoundError):
    """A checkpoint path that is neither a file nor a URL."""


def check_checkpoint_exists(checkpoint: str) -> None:
    """Raise :class:`CheckpointNotFoundError`, naming ``checkpoint``, unless
    it is a URL (``scheme://...``) or an existing file; a tool can call it
    before it builds anything, the local loader calls it before loading."""
    if '://' not in checkpoint and not os.path.isfile(checkpoint):
        raise CheckpointNotFoundError(
            f'checkpoint {checkpoint} does not exist; give the path of a .pth '
            'file or its URL.')


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def load_weights_only(path, map_location=None, source: Optional[str] = None):
    """``torch.load(path, weights_only=True)``, refusing with a clear error."""
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as error:
        raise pickle.UnpicklingError(
            f'refusing to load {source or path}: it holds objects other than '
            'tensors and plain data, which could run code when unpickled. '
            'Load it only if you trust its source, and re-save its state_dict '
            f'(torch {torch.__version__} said: {error})') from None


@CheckpointLoader.register_scheme(prefixes='', force=True)
def load_from_local(filename, map_location=None):
    """A local checkpoint, weights only."""
    check_checkpoint_exists(filename)
    return load_weights_only(filename, map_location)


def _download(url: str, model_dir: Optional[str], progress: bool) -> Path:
    """The cached copy of ``url``, downloaded if needed, its hash checked."""
    directory = Path(model_dir or Path(torch.hub.get_dir()) / 'checkpoints')
    directory.mkdir(parents=True, exist_ok=True)
    name = os.path.basename(urlparse(url).path)
    path = directory / name
    match = HASH_IN_NAME.search(name)
    if not path.exists():
        torch.hub.download_url_to_file(url, str(path), hash_prefix=None,
                                       progress=progress)
    if match is None:
        print_log(f'{url} carries no SHA-256 prefix in its name; loading it '
                  'unchecked (weights only)', 'current')
    else:
        expected = match.group(1)
        actual = sha256_of(path)[:len(expected)]
        if actual != expected:
            path.unlink()
            raise RuntimeError(
                f'checkpoint {url}: its SHA-256 starts with {actual}, not '
                f'{expected} as its name says; the download is corrupt or not '
                'the published file. Deleted the copy; check the URL, or '
                'publish the file again with tools/publish_model.py.')
    return path


@CheckpointLoader.register_scheme(prefixes=('http://', 'https://'), force=True)
def load_from_http(filename, map_location=None, model_dir=None,
                   progress=os.isatty(0)):
    """A checkpoint by URL: downloaded by local rank 0 first in distributed
    runs, its hash checked, weights only."""
    rank, world_size = get_dist_info()
    if rank == 0:
        path = _download(filename, model_dir, progress)
    if world_size > 1:
        torch.distributed.barrier()
        if rank > 0:
            path = _download(filename, model_dir, progress)
    return load_weights_only(path, map_location, source=filename)
