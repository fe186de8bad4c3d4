"""The README is the test plan: every command in its ```bash blocks is run by a
test, in a fresh process, on tiny real videos, with assertions on what it
writes or prints.

``RUN_BY`` maps each README command (normal form: see tests/readme.py) to the
test that runs it through :func:`tests.readme.run_readme_command`, which reads
the command from the README; ``EQUIVALENT`` to a test that runs the same tool
in another way; ``NOT_RUN`` gives the reason a command cannot run here. A
README command in none of them fails ``test_every_readme_command_has_a_test``:
whoever adds a command adds its test (and a line here).

This module runs the pretraining commands (one process, two nodes, Slurm's
command line); the others run where their feature is tested.
"""
import ast
import math
import os
import re
import signal
import socket
import stat
import subprocess
import sys

import torch

from tests.readme import (cfg_options, logged, prepare_readme_command,
                          readme_commands, run_readme_command)
from tests.tiny_configs import ROOT, tiny_config

CI = ('.ci/run installs and runs exactly the README\'s test command on every '
      'push (test_ci_runs_the_readme_test_command checks it holds that line)')
DEMO = ('python tools/demo.py --work-dir work_dirs/demo_quick --epochs 1 '
        '--train-per-class 2 --test-per-class 1 --batch-size 8')
DEMO_TEST = ('python tools/test.py configs/synthetic_motion/'
             'vididi_simclr_r3d_tiny.py CHECKPOINT --cfg-options '
             'test_dataloader.dataset.data_root=work_dirs/demo/synthetic_motion')
DEMO_BY = ('tests/test_motion_benchmark.py::'
           'test_demo_shrunk_through_the_runner_and_tools_test')
PRETRAIN = 'python tools/train.py configs/vididi_simclr_r3d_ucf101.py'
NODE = ('NNODES=2 NODE_RANK={} MASTER_ADDR=HOST bash tools/dist_train.sh '
        'configs/vididi_simclr_r3d_ucf101.py 8')
SLURM = ('GPUS=16 bash tools/slurm_train.sh PARTITION vididi '
         'configs/vididi_simclr_r3d_ucf101.py')

#: README command (normal form) -> the test that runs it
RUN_BY = {
    PRETRAIN: 'tests/test_readme.py::test_pretraining_command',
    NODE.format(0): 'tests/test_readme.py::test_two_node_commands_on_one_machine',
    NODE.format(1): 'tests/test_readme.py::test_two_node_commands_on_one_machine',
    SLURM: 'tests/test_readme.py::test_slurm_command_line',
    PRETRAIN + ' --resume':
        'tests/test_training.py::test_readme_resume_command_goes_on_where_it_stopped',
    'python tools/train.py configs/vididi_simclr_r3d_ucf101_knn.py':
        'tests/test_retrieval_evaluation.py::'
        'test_knn_monitor_reports_retrieval_while_pretraining',
    'python tools/test.py configs/retrieval/vididi_r3d_ucf101_split1.py CHECKPOINT':
        'tests/test_retrieval_evaluation.py::test_readme_retrieval_commands',
    'python tools/test.py configs/retrieval/vididi_r3d_hmdb51_split1.py CHECKPOINT':
        'tests/test_retrieval_evaluation.py::test_readme_retrieval_commands',
    'python tools/model_converters/vididi_to_mmaction.py CHECKPOINT '
    'work_dirs/vididi_simclr_r3d_ucf101/backbone.pth':
        'tests/test_recognition.py::test_readme_recognition_commands',
    'python tools/train.py configs/recognition/r3d18_vididi_ucf101_split1_linear.py':
        'tests/test_recognition.py::test_readme_recognition_commands',
    'python tools/train.py configs/recognition/'
    'r3d18_vididi_ucf101_split1_finetune.py':
        'tests/test_recognition.py::test_readme_recognition_commands',
    'python tools/test.py configs/recognition/'
    'r3d18_vididi_ucf101_split1_finetune.py CHECKPOINT':
        'tests/test_recognition.py::test_readme_recognition_commands',
    'python tools/train.py configs/detection/r3d18_vididi_ava.py':
        'tests/test_detection.py::test_readme_detection_command',
    'python tools/publish_model.py CHECKPOINT vididi_simclr_r3d_ucf101.pth':
        'tests/test_checkpoint_loading.py::'
        'test_publish_drops_training_state_and_names_the_hash',
    'python tools/test.py configs/probes/motion_probe_ucf101_split1.py '
    'CHECKPOINT --cfg-options test_dataloader.dataset.ann_file=my_videos.txt '
    'test_dataloader.dataset.data_prefix.video=my_videos/':
        'tests/test_motion_probe.py::test_readme_probe_command_on_your_own_videos',
    'python tools/extract_features.py configs/retrieval/'
    'vididi_r3d_ucf101_split1.py CHECKPOINT VIDEOS --out features.npz':
        'tests/test_inference.py::test_readme_extract_features_command',
}
#: README command -> (a test that runs the same tool another way, how)
EQUIVALENT = {
    '.venv/bin/python tools/demo.py': (
        DEMO_BY, 'runs tools/demo.py shrunk by its flags (the README\'s quick '
        'line), with num_workers=0'),
    DEMO: (DEMO_BY, 'runs this command with --cfg-options num_workers=0, its '
           'work dir in tmp'),
    DEMO_TEST: (DEMO_BY, 'runs the tools/test.py command that the demo wrote '
                'to results.json (this line\'s, on the demo\'s checkpoint and '
                'data) and checks it gives the demo\'s numbers'),
    'python tools/test.py configs/probes/motion_probe_ucf101_split1.py '
    'CHECKPOINT': (
        'tests/test_motion_probe.py::test_readme_probe_command_on_your_own_videos',
        'runs this config and checkpoint with the README\'s own-videos '
        'options (a list of encoded videos in place of UCF101)'),
    'python tools/test.py configs/probes/motion_probe_hmdb51_split1.py '
    'CHECKPOINT': (
        'tests/test_motion_probe.py::test_readme_probe_command_on_your_own_videos',
        'runs the UCF101 probe config, which differs from this one only in '
        'its annotation file and video folder (tests/test_registration.py '
        'builds both)'),
    'python tools/analysis/visualize_derivatives.py VIDEO': (
        'tests/test_motion_benchmark.py::test_visualize_derivatives_tool',
        'runs it on a synthetic motion video with --out-dir and --clip-len 4; '
        'checks the sizes of the PNG grid and the GIF, and the error of a '
        'clip longer than the video'),
    'bash tools/dist_train.sh configs/vididi_simclr_r3d_ucf101.py 8': (
        'tests/test_distributed.py::test_two_processes_end_with_identical_weights',
        'runs tools/dist_train.sh with 2 CPU processes (gloo) on a dumped tiny '
        'config and checks that both ranks end with the same weights'),
}
#: README command -> why no test runs it
NOT_RUN = {
    'python3 -m venv .venv': CI,
    ".venv/bin/pip install -e .[tests] -c requirements/constraints.txt": CI,
    '.venv/bin/flake8': CI,
    '.venv/bin/isort --check-only .': CI,
    '.venv/bin/python -m pytest -n auto --maxprocesses 4':
        'the test suite itself; ' + CI,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


# --- the table --------------------------------------------------------------

def test_every_readme_command_has_a_test():
    untested = [c for c in readme_commands()
                if c not in RUN_BY and c not in EQUIVALENT and c not in NOT_RUN]
    assert not untested, (
        f'README commands that no test runs: {untested}. Write a test that '
        'runs each with tests.readme.run_readme_command and add it to RUN_BY '
        'in tests/test_readme.py (or NOT_RUN, with the reason).')


def test_the_table_lists_only_readme_commands():
    commands = readme_commands()
    stale = [c for c in (*RUN_BY, *EQUIVALENT, *NOT_RUN) if c not in commands]
    assert not stale, f'not in README.md any more: {stale}'
    assert not set(RUN_BY) & set(EQUIVALENT) | set(RUN_BY) & set(NOT_RUN)


def names_command(source: str, command: str) -> bool:
    """``source`` holds ``command`` as a string (or a ``str.format`` template
    of it, ``{}`` standing for any text)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            pattern = re.escape(node.value).replace(r'\{\}', '.+')
            if re.fullmatch(pattern, command):
                return True
    return False


def test_the_tests_named_exist_and_run_their_commands():
    named = list(RUN_BY.items()) + [(c, t) for c, (t, _) in EQUIVALENT.items()]
    for command, test in named:
        path, _, function = test.partition('::')
        source = (ROOT / path).read_text()
        functions = {node.name for node in ast.parse(source).body
                     if isinstance(node, ast.FunctionDef)}
        assert function in functions, f'{test} (for {command!r}) does not exist'
        if command in RUN_BY:  # it takes the command from the README
            assert names_command(source, command), \
                f'{path} does not name the README command {command!r}'


def test_the_parser_follows_the_readme_conventions():
    text = ('```bash\n'
            'python tools/a.py \\\n    work_dirs/x/epoch_3.pth out.pth  # note\n'
            'A=1 MASTER_ADDR=node7 bash tools/b.sh c 8 && echo "x y"\n'
            '# only a comment\n'
            '```\n```python\nnot = "a command"\n```\n')
    assert list(readme_commands(text)) == [
        'python tools/a.py CHECKPOINT out.pth',
        'A=1 MASTER_ADDR=HOST bash tools/b.sh c 8', 'echo x y']


def test_ci_runs_the_readme_test_command():
    line = next(line for block in re.findall(
        r'^```bash\n(.*?)^```', (ROOT / 'README.md').read_text(), re.S | re.M)
        for line in block.splitlines() if '-m pytest' in line)
    assert line in (ROOT / '.ci' / 'run').read_text().splitlines()


# --- pretraining -------------------------------------------------------------

def test_pretraining_command(video_dir, tmp_path):
    work_dir = tmp_path / 'work'
    cfg = tiny_config('vididi_simclr_r3d_ucf101.py', video_dir, work_dir)
    result = run_readme_command(
        PRETRAIN, '--work-dir', work_dir, '--cfg-options',
        *cfg_options('vididi_simclr_r3d_ucf101.py', cfg), cwd=tmp_path)
    log = result.stdout + result.stderr
    assert 'Epoch(train) [2][2/2]' in log
    for a, b in ((0, 1), (1, 0), (0, 2), (2, 0)):  # the alternating schedule
        assert f'order_a: {a}  order_b: {b}' in log
    losses = logged(work_dir, 'loss')
    assert len(losses) == 4 and all(math.isfinite(x) for x in losses)
    checkpoint = torch.load(work_dir / 'epoch_2.pth')
    assert checkpoint['state_dict']['backbone.conv1.conv.weight'].shape[0] == 8
    assert checkpoint['meta']['order_pair_schedule']['mode'] == 'alternate'


def test_two_node_commands_on_one_machine(video_dir, tmp_path):
    """Both NNODES=2 lines at once, node0 being this machine (127.0.0.1),
    one process a node instead of 8 (no GPUs here): two torchrun agents meet
    at MASTER_ADDR:PORT and train one run of world size 2 with gloo."""
    work_dir = tmp_path / 'work'
    cfg = tiny_config('vididi_simclr_r3d_ucf101.py', video_dir, work_dir)
    options = cfg_options('vididi_simclr_r3d_ucf101.py', cfg)
    port = free_port()
    nodes = []
    for rank in (0, 1):
        argv, env = prepare_readme_command(
            NODE.format(rank), '--work-dir', work_dir, '--cfg-options',
            *options, replace={'HOST': '127.0.0.1', '8': 1},
            env=dict(PORT=port, OMP_NUM_THREADS=1))
        assert env['NNODES'] == '2' and env['NODE_RANK'] == str(rank)
        assert env['MASTER_ADDR'] == '127.0.0.1'
        nodes.append(subprocess.Popen(
            argv, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, start_new_session=True))
    try:
        logs = [node.communicate(timeout=300)[0] for node in nodes]
    finally:  # a node left waiting for the other, and its workers
        for node in nodes:
            if node.poll() is None:
                os.killpg(node.pid, signal.SIGKILL)
    for node, log in zip(nodes, logs):
        assert node.returncode == 0, log[-5000:]
    assert 'Distributed training: True' in logs[0]
    assert 'GPU number: 2' in logs[0]  # mmengine's name for the world size
    # 4 videos, 2 a batch on each of 2 ranks: 1 iteration an epoch
    assert 'Epoch(train) [2][1/1]' in logs[0]
    assert (work_dir / 'epoch_2.pth').is_file()


def test_slurm_command_line(tmp_path):
    """No Slurm here, and mmengine's Slurm launcher needs CUDA (it calls
    torch.cuda.set_device): an ``srun`` stand-in records the command line
    that tools/slurm_train.sh builds, which must start tools/train.py on the
    config with the Slurm launcher, 16 tasks of one GPU each."""
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    srun = bin_dir / 'srun'
    srun.write_text('#!/usr/bin/env bash\nprintf "%s\\n" "$@" > "$SRUN_ARGS_FILE"\n')
    srun.chmod(srun.stat().st_mode | stat.S_IEXEC)
    record = tmp_path / 'srun_args.txt'
    run_readme_command(SLURM, replace={'PARTITION': 'gpu_part'}, cwd=tmp_path,
                       env=dict(PATH=f'{bin_dir}{os.pathsep}{os.environ["PATH"]}',
                                SRUN_ARGS_FILE=record))
    args = record.read_text().splitlines()
    assert args[:7] == ['-p', 'gpu_part', '--job-name=vididi', '--gres=gpu:8',
                        '--ntasks=16', '--ntasks-per-node=8', '--cpus-per-task=5']
    assert args[-5:] == ['-u', str(ROOT / 'tools' / 'train.py'),
                         str(ROOT / 'configs' / 'vididi_simclr_r3d_ucf101.py'),
                         '--launcher', 'slurm']
    assert args[-6] == sys.executable
