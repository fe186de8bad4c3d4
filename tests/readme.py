"""The README's commands, for the tests that run them.

Every command of a ```bash block of README.md is a test's business:
``tests/test_readme.py`` maps each one, in its normalised form, to the test
that runs it (or to a reasoned exemption) and fails when one is missing. A test
runs a README command with :func:`run_readme_command`, which takes the command
from the README itself, so the test runs what the README says, with the
placeholders replaced and the test's own arguments (``--work-dir``,
``--cfg-options`` from :func:`cfg_options`) appended.

Normal form: continuation lines joined, comments dropped, split at ``&&``,
tokens joined by one space, and

- a training checkpoint (``*epoch_*.pth``) is ``CHECKPOINT``;
- ``MASTER_ADDR=<host>`` is ``MASTER_ADDR=HOST``.
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

from mmengine.config import Config, DictAction

ROOT = Path(__file__).parents[1]
README = ROOT / 'README.md'
PLACEHOLDERS = ('CHECKPOINT', 'PARTITION', 'HOST', 'VIDEO', 'VIDEOS')
PYTHONS = ('python', 'python3', '.venv/bin/python')


def _normal_token(token: str) -> str:
    if re.fullmatch(r'\S*epoch_\S*\.pth', token):
        return 'CHECKPOINT'
    if token.startswith('MASTER_ADDR='):
        return 'MASTER_ADDR=HOST'
    return token


def readme_commands(text: Optional[str] = None) -> Dict[str, List[str]]:
    """{normal form: its tokens} of every command in the README's bash
    blocks, in the order they appear."""
    text = README.read_text() if text is None else text
    commands: Dict[str, List[str]] = {}
    for block in re.findall(r'^```bash\n(.*?)^```', text, re.S | re.M):
        for line in block.replace('\\\n', ' ').splitlines():
            tokens = shlex.split(line, comments=True)
            while tokens:
                end = tokens.index('&&') if '&&' in tokens else len(tokens)
                command = [_normal_token(t) for t in tokens[:end]]
                if command:
                    commands.setdefault(' '.join(command), command)
                tokens = tokens[end + 1:]
    return commands


def readme_command(key: str) -> List[str]:
    """The tokens of the README command whose normal form is ``key``."""
    commands = readme_commands()
    if key not in commands:
        raise AssertionError(
            f'README.md has no command {key!r} (normal form) any more; its '
            f'commands: {sorted(commands)}. Update the test and the table in '
            'tests/test_readme.py.')
    return list(commands[key])


def prepare_readme_command(key: str, *args, replace: Optional[dict] = None,
                           env: Optional[dict] = None) -> tuple:
    """(argv, environment) of the README command ``key``, as
    :func:`run_readme_command` runs it."""
    return prepare_command(readme_command(key), *args, replace=replace, env=env)


def prepare_command(command: List[str], *args, replace: Optional[dict] = None,
                    env: Optional[dict] = None) -> tuple:
    """(argv, environment) of ``command`` (tokens, as the README writes them):
    see :func:`run_readme_command`."""
    key = ' '.join(command)
    replace = {k: str(v) for k, v in (replace or {}).items()}
    tokens = [replace.get(token, token) for token in command]
    run_env = dict(os.environ, PYTHON=sys.executable,
                   **{k: str(v) for k, v in (env or {}).items()})
    left = []
    while tokens and re.fullmatch(r'[A-Z_]+=\S*', tokens[0]):
        name, _, value = tokens.pop(0).partition('=')
        run_env[name] = replace.get(value, value)
        left += [value] if run_env[name] in PLACEHOLDERS else []
    left += [t for t in tokens if t in PLACEHOLDERS]
    assert not left, f'{key}: give the placeholders {left} in replace'
    if tokens[0] in PYTHONS:
        tokens[0] = sys.executable
    tokens = [str(ROOT / t) if t.startswith(('tools/', 'configs/')) else t
              for t in tokens]
    return tokens + [str(a) for a in args], run_env


def run_readme_command(key: str, *args, replace: Optional[dict] = None,
                       env: Optional[dict] = None, cwd: Optional[Path] = None,
                       timeout: int = 600,
                       check: bool = True) -> subprocess.CompletedProcess:
    """Run the README command ``key`` in a fresh process, as a user would.

    ``replace`` maps tokens (placeholders such as ``CHECKPOINT``, or the
    README's example paths) to what this test uses; ``args`` are appended.
    ``python`` is this interpreter (``PYTHON`` too, for the shell scripts);
    leading ``VAR=value`` tokens go into the environment (``env`` adds
    more); the repository's ``tools/`` and ``configs/`` paths are made
    absolute, so that ``cwd`` (the test's tmp dir) takes whatever else the
    command writes. Returns the finished process, stdout and stderr as text;
    with ``check``, a non-zero exit fails with the end of its output.
    """
    return run_command(readme_command(key), *args, replace=replace, env=env,
                       cwd=cwd, timeout=timeout, check=check)


def run_command(command: List[str], *args, replace: Optional[dict] = None,
                env: Optional[dict] = None, cwd: Optional[Path] = None,
                timeout: int = 600,
                check: bool = True) -> subprocess.CompletedProcess:
    """:func:`run_readme_command` for a command given as tokens (one the
    README does not hold (yet))."""
    argv, run_env = prepare_command(command, *args, replace=replace, env=env)
    result = subprocess.run(argv, cwd=cwd or ROOT, env=run_env,
                            capture_output=True, text=True, timeout=timeout)
    if check:
        assert result.returncode == 0, (
            f'{shlex.join(argv)} exited with {result.returncode}:\n'
            f'{result.stdout[-3000:]}\n{result.stderr[-5000:]}')
    return result


def logged(work_dir: Path, key: str) -> list:
    """The values of ``key`` that a run logged to ``work_dir``'s
    ``<timestamp>/vis_data/scalars.json``, in order."""
    scalars = sorted(Path(work_dir).glob('*/vis_data/scalars.json'))
    assert len(scalars) == 1, f'{work_dir}: {len(scalars)} runs logged'
    rows = [json.loads(line) for line in scalars[0].read_text().splitlines()]
    return [row[key] for row in rows if key in row]


def _format(value) -> str:
    """``value`` as ``--cfg-options`` writes it (mmengine's DictAction)."""
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        inner = ','.join(_format(v) for v in value)
        return f'({inner},)' if len(value) == 1 else f'({inner})'
    if isinstance(value, list):
        return '[' + ','.join(_format(v) for v in value) + ']'
    raise ValueError(f'--cfg-options cannot write {value!r}')


def _holds_dict(value) -> bool:
    if isinstance(value, dict):
        return True
    return isinstance(value, (list, tuple)) and any(map(_holds_dict, value))


def _differences(original, shrunk, key: str, out: Dict[str, object]) -> None:
    if isinstance(original, dict) and isinstance(shrunk, dict):
        for name in shrunk:
            path = f'{key}.{name}' if key else str(name)
            if name not in original:
                _differences(None, shrunk[name], path, out)
            else:
                _differences(original[name], shrunk[name], path, out)
    elif isinstance(shrunk, dict):  # a new or replaced section: its leaves
        for name, value in shrunk.items():
            _differences(None, value, f'{key}.{name}', out)
    elif (isinstance(original, (list, tuple)) and isinstance(shrunk, type(original))
          and len(original) == len(shrunk) and _holds_dict(shrunk)):
        for i, (a, b) in enumerate(zip(original, shrunk)):
            _differences(a, b, f'{key}.{i}', out)
    elif original != shrunk or type(original) is not type(shrunk):
        out[key] = shrunk


def _within(small, big) -> bool:
    """Every leaf of ``small`` is in ``big`` (dicts may have more keys)."""
    if isinstance(small, dict):
        return isinstance(big, dict) and all(
            k in big and _within(v, big[k]) for k, v in small.items())
    if isinstance(small, (list, tuple)) and _holds_dict(small):
        return (isinstance(big, type(small)) and len(big) == len(small)
                and all(map(_within, small, big)))
    return small == big and type(small) is type(big)


def cfg_options(config: str, shrunk: Config,
                skip=('work_dir', 'load_from', 'launcher')) -> List[str]:
    """The ``--cfg-options`` that turn ``configs/<config>`` into ``shrunk``
    (e.g. from :func:`tests.tiny_configs.tiny_config`): ``key=value`` for
    every leaf of ``shrunk`` that differs; keys in ``skip`` are left to the
    command line, and a key that ``shrunk`` dropped keeps the config's value
    (``--cfg-options`` cannot delete). Checked: mmengine's parser and merge
    give every leaf of ``shrunk`` from them."""
    original = Config.fromfile(ROOT / 'configs' / config)
    wanted = {k: v for k, v in shrunk.to_dict().items() if k not in skip}
    changes: Dict[str, object] = {}
    _differences({k: v for k, v in original.to_dict().items() if k not in skip},
                 wanted, '', changes)
    options = [f'{key}={_format(value)}' for key, value in changes.items()]
    for option in options:
        assert ' ' not in option, f'{option}: --cfg-options drops spaces'

    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    parsed = parser.parse_args(['--cfg-options', *options]).cfg_options \
        if options else {}
    original.merge_from_dict(parsed)
    assert _within(wanted, original.to_dict()), \
        'the --cfg-options do not give the shrunk config back'
    return options
