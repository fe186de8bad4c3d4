"""Two processes on CPU (gloo), started the way tools/dist_train.sh starts them."""
import os
import re
import socket
import subprocess
import sys

import pytest
import torch

from mmvididi.engine.hooks.broken_video_hook import parse_lines
from mmvididi.utils import write_video
from tests.conftest import moving_frames
from tests.tiny_configs import ROOT, tiny_config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def dist_train(cfg, tmp_path, *hooks: str) -> subprocess.CompletedProcess:
    """``tools/dist_train.sh`` of ``cfg`` on 2 CPU processes, with the test
    hooks of tests/dist_helpers.py."""
    cfg.custom_imports = dict(imports=['mmvididi', 'tests.dist_helpers'],
                              allow_failed_imports=False)
    cfg.custom_hooks = cfg.get('custom_hooks', []) + [
        dict(type=hook) for hook in hooks]
    cfg.dump(tmp_path / 'config.py')
    env = dict(os.environ, PYTHON=sys.executable, PORT=str(free_port()),
               OMP_NUM_THREADS='1')
    return subprocess.run(
        ['bash', 'tools/dist_train.sh', str(tmp_path / 'config.py'), '2',
         '--work-dir', cfg.work_dir],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize('framework', ['simclr', 'byol'])
def test_two_processes_end_with_identical_weights(framework, video_dir, tmp_path):
    work_dir = tmp_path / 'work'
    cfg = tiny_config(f'vididi_{framework}_r3d_ucf101.py', video_dir, work_dir)
    result = dist_train(cfg, tmp_path, 'DumpRankWeightsHook', 'ProgressBarHook')
    assert result.returncode == 0, result.stderr[-4000:]
    # 4 videos, 2 ranks, batch 2: 2 iterations; their progress on rank 0 only
    assert result.stdout.count('[train] epoch ') == 2
    assert 'Distributed training: True' in result.stdout + result.stderr

    rank0 = torch.load(work_dir / 'rank0.pth')
    rank1 = torch.load(work_dir / 'rank1.pth')
    assert rank0.keys() == rank1.keys()
    for name in rank0:
        assert torch.equal(rank0[name], rank1[name]), name
    # and training moved them: the saved epoch-1 weights differ from the end
    epoch1 = torch.load(work_dir / 'epoch_1.pth')['state_dict']
    assert not torch.equal(epoch1['backbone.conv1.conv.weight'],
                           rank0['backbone.conv1.conv.weight'])


def _global_loss_gradient(rank: int, world_size: int, port: int, out_dir: str):
    """One rank: a linear encoder, half of the batch, loss over the gathered
    batch; DDP-style averaging of the gradient across ranks."""
    import torch.distributed as dist

    from mmvididi.models.frameworks.gather import gather_batch
    from mmvididi.models.losses import nt_xent_loss
    dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}',
                            rank=rank, world_size=world_size)
    torch.manual_seed(0)
    encoder = torch.nn.Linear(6, 4)
    x_a, x_b = torch.randn(8, 6), torch.randn(8, 6)
    half = slice(rank * 4, rank * 4 + 4)
    z_a = gather_batch(encoder(x_a[half]))
    z_b = gather_batch(encoder(x_b[half]))
    loss = nt_xent_loss(z_a, z_b, 0.5)
    loss.backward()
    grad = encoder.weight.grad.clone()
    dist.all_reduce(grad)
    torch.save(dict(loss=loss.detach(), grad=grad / world_size),
               f'{out_dir}/rank{rank}.pth')
    dist.destroy_process_group()


def test_gathered_loss_has_the_gradient_of_the_global_batch(tmp_path):
    torch.multiprocessing.spawn(_global_loss_gradient,
                                args=(2, free_port(), str(tmp_path)), nprocs=2)
    torch.manual_seed(0)
    from mmvididi.models.losses import nt_xent_loss
    encoder = torch.nn.Linear(6, 4)
    x_a, x_b = torch.randn(8, 6), torch.randn(8, 6)
    loss = nt_xent_loss(encoder(x_a), encoder(x_b), 0.5)
    loss.backward()
    for rank in range(2):
        got = torch.load(tmp_path / f'rank{rank}.pth')
        torch.testing.assert_close(got['loss'], loss.detach())
        torch.testing.assert_close(got['grad'], encoder.weight.grad)


def test_broken_videos_are_counted_over_both_ranks_which_stop_together(
        tmp_path):
    """16 videos, the odd ones missing; unshuffled, rank 0 draws the even
    (good) ones and rank 1 the odd (missing) ones. Rank 0 finds no broken
    video itself, yet both ranks stop at the first iteration on the global
    count, before an epoch and its checkpoint; rank 0 lists rank 1's."""
    data = tmp_path / 'data'
    names = [f'good{i}.mp4' if i % 2 == 0 else f'missing{i}.mp4'
             for i in range(16)]
    for i, name in enumerate(names[::2]):
        write_video(data / name, moving_frames(i, num_frames=12))
    (data / 'train.txt').write_text(''.join(f'{n} 0\n' for n in names))
    work_dir = tmp_path / 'work'
    cfg = tiny_config('vididi_simclr_r3d_ucf101.py', data, work_dir, epochs=1)
    cfg.train_dataloader.sampler.shuffle = False
    result = dist_train(cfg, tmp_path, 'RecordErrorHook')

    assert result.returncode != 0
    message = (r'(\d+) of 16 training videos \(\d+\.\d%\) failed to load, more '
               r'than BrokenVideoHook.max_bad_ratio=0.05')
    errors = [(work_dir / f'rank{rank}_error.txt').read_text() for rank in (0, 1)]
    assert errors[0] == errors[1] and errors[0].startswith('RuntimeError: ')
    count = int(re.search(message, errors[0]).group(1))
    assert 'Epoch(train) [1][1/4]' in result.stdout  # it stopped after the first
    assert 'Epoch(train) [1][2/4]' not in result.stdout
    assert not list(work_dir.glob('*.pth'))
    entries = parse_lines((work_dir / 'bad_videos.txt').read_text())
    assert len(entries) == count >= 2  # rank 1's batch of 2, maybe refetches
    assert {kind for _, kind, _ in entries} == {'broken'}
    assert {path for path, _, _ in entries} <= {str(data / n) for n in names[1::2]}


#: run in a fresh process as one rank of a distributed run (the environment
#: torchrun sets): tools/train.py's main, then the names of the threads left
TRAIN_THEN_LIST_THREADS = """
import os, runpy, sys
sys.argv = ['tools/train.py', sys.argv[1], '--launcher', 'pytorch']
runpy.run_path('tools/train.py', run_name='__main__')
print('THREADS', sorted(open(f'/proc/self/task/{task}/comm').read().strip()
                        for task in os.listdir('/proc/self/task')))
"""


@pytest.mark.skipif(not os.path.isdir('/proc/self/task'),
                    reason='lists threads from /proc (Linux)')
def test_a_distributed_training_run_leaves_no_gloo_thread(video_dir, tmp_path):
    """tools/train.py ends a distributed run with no gloo thread left: the
    Runner's DDP model holds the process group, and destroyed without
    collecting it first, the group's threads ran on into the interpreter's
    exit, where one that released a last collective's tensors aborted the
    rank ("terminate called without an active exception", exit -6) in about
    one run of the two-process test in four."""
    work_dir = tmp_path / 'work'
    cfg = tiny_config('vididi_simclr_r3d_ucf101.py', video_dir, work_dir,
                      epochs=1)
    cfg.dump(tmp_path / 'config.py')
    env = dict(os.environ, RANK='0', LOCAL_RANK='0', WORLD_SIZE='1',
               MASTER_ADDR='127.0.0.1', MASTER_PORT=str(free_port()),
               OMP_NUM_THREADS='1', PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, '-c', TRAIN_THEN_LIST_THREADS,
         str(tmp_path / 'config.py')],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    assert 'Distributed training: True' in result.stdout + result.stderr
    assert (work_dir / 'epoch_1.pth').exists()
    threads = re.search(r"THREADS \[(.*)\]", result.stdout).group(1)
    assert 'gloo' not in threads, threads


def test_the_tools_close_the_process_group(tmp_path):
    """tools/train.py and tools/test.py end a distributed run by destroying
    its process group (mmvididi.utils.runtime.close_process_group): left to
    the interpreter's exit, gloo aborted a rank after its run had finished
    ("terminate called without an active exception") about one run in
    three. Without a group it does nothing."""
    import torch.distributed as dist

    from mmvididi.utils.runtime import close_process_group
    close_process_group()  # no group: nothing to do
    dist.init_process_group('gloo', init_method=f'file://{tmp_path / "store"}',
                            rank=0, world_size=1)
    assert dist.is_initialized()
    close_process_group()
    assert not dist.is_initialized()
    for tool in ('tools/train.py', 'tools/test.py'):
        source = (ROOT / tool).read_text()
        assert 'finally:\n            close_process_group()' in source, tool
