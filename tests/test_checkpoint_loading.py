"""Checkpoints by URL (served on loopback) and on disk: hash and safety checks."""
import functools
import http.server
import os
import pickle
import re
import shutil
import threading

import pytest
import torch
from mmengine.runner.checkpoint import CheckpointLoader, load_checkpoint

from tests.readme import run_readme_command


def hash_of(name: str) -> str:
    """The 8 hex digits of a published name."""
    return name.rsplit('-', 1)[1][:8]


class Unsafe:
    def __reduce__(self):
        return os.system, ('echo unsafe',)


@pytest.fixture(autouse=True)
def hub_cache(tmp_path, monkeypatch):
    """Downloads go to this test's own torch hub cache."""
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch_home'))


@pytest.fixture
def server(tmp_path):
    """An HTTP server on 127.0.0.1 serving tmp_path/www."""
    root = tmp_path / 'www'
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(root))
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f'http://127.0.0.1:{httpd.server_address[1]}'
    httpd.shutdown()


PUBLISH = 'python tools/publish_model.py CHECKPOINT vididi_simclr_r3d_ucf101.pth'


@pytest.fixture(scope='module')
def published(tmp_path_factory):
    """A training checkpoint published by the README's command (once for the
    module: a process costs seconds)."""
    tmp = tmp_path_factory.mktemp('publish')
    model = torch.nn.Linear(3, 2)
    torch.save(dict(state_dict=model.state_dict(), meta=dict(epoch=7),
                    optimizer=dict(state={}, param_groups=[])),
               tmp / 'epoch_7.pth')
    out = run_readme_command(PUBLISH, replace={'CHECKPOINT': tmp / 'epoch_7.pth'},
                             cwd=tmp).stdout.strip()
    return model, str(tmp / out)


def test_publish_drops_training_state_and_names_the_hash(published):
    from mmvididi.utils.checkpoint_loading import sha256_of
    _, path = published
    name = os.path.basename(path)
    assert re.fullmatch(r'vididi_simclr_r3d_ucf101-[0-9a-f]{8}\.pth', name)
    assert sha256_of(path).startswith(hash_of(name))
    assert set(torch.load(path)) == {'state_dict', 'meta'}


def test_url_checkpoint_loads_with_its_hash_checked(server, published, tmp_path):
    root, url = server
    model, path = published
    shutil.copy(path, root)
    target = torch.nn.Linear(3, 2)
    load_checkpoint(target, f'{url}/{os.path.basename(path)}',
                    map_location='cpu')  # mmengine's loader: ours
    assert torch.equal(target.weight, model.weight)


def test_tampered_url_checkpoint_is_refused(server, published):
    root, url = server
    _, path = published
    name = os.path.basename(path)
    data = bytearray(open(path, 'rb').read())
    data[-100] ^= 0xFF  # one flipped byte
    (root / name).write_bytes(bytes(data))
    torch_hub = torch.hub.get_dir()
    with pytest.raises(RuntimeError, match=r'its SHA-256 starts with .*, not '
                       f'{hash_of(name)} as its name says'):
        CheckpointLoader.load_checkpoint(f'{url}/{name}')
    assert not os.path.exists(f'{torch_hub}/checkpoints/{name}')  # not kept


def test_unsafe_pickle_is_refused_by_url_and_on_disk(server, tmp_path):
    from mmvididi.utils.checkpoint_loading import sha256_of
    root, url = server
    bad = tmp_path / 'bad.pth'
    torch.save(dict(state_dict={}, meta=Unsafe()), bad)
    named = root / f'bad-{sha256_of(bad)[:8]}.pth'
    shutil.copy(bad, named)
    with pytest.raises(pickle.UnpicklingError,
                       match=rf'refusing to load {url}/bad-.*could run code'):
        CheckpointLoader.load_checkpoint(f'{url}/{named.name}')
    with pytest.raises(pickle.UnpicklingError, match=r'refusing to load .*bad\.pth'):
        CheckpointLoader.load_checkpoint(str(bad))


def test_missing_local_checkpoint_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='nowhere.pth does not exist'):
        CheckpointLoader.load_checkpoint(str(tmp_path / 'nowhere.pth'))
