"""Two processes on CPU (gloo), started the way tools/dist_train.sh starts them."""
import os
import socket
import subprocess
import sys

import pytest
import torch

from tests.tiny_configs import ROOT, tiny_config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.mark.parametrize('framework', ['simclr', 'byol'])
def test_two_processes_end_with_identical_weights(framework, video_dir, tmp_path):
    work_dir = tmp_path / 'work'
    cfg = tiny_config(f'vididi_{framework}_r3d_ucf101.py', video_dir, work_dir)
    cfg.custom_imports = dict(imports=['mmvididi', 'tests.dist_helpers'],
                              allow_failed_imports=False)
    cfg.custom_hooks = cfg.custom_hooks + [dict(type='DumpRankWeightsHook')]
    cfg.dump(tmp_path / 'config.py')

    env = dict(os.environ, PYTHON=sys.executable, PORT=str(free_port()),
               OMP_NUM_THREADS='1')
    result = subprocess.run(
        ['bash', 'tools/dist_train.sh', str(tmp_path / 'config.py'), '2',
         '--work-dir', str(work_dir)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
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
