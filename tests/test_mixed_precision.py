"""Under mixed precision the encoder runs in 16 bits, the losses in float32.

The CPU's bfloat16 autocast stands in for the GPU's float16 (tests/test_gpu.py
checks the GPU itself where one is visible)."""
import pytest
import torch
from torch import nn

from mmvididi.models.frameworks import SimCLR, VICReg
from mmvididi.models.frameworks.base import loss_in_float32
from mmvididi.models.losses import byol_loss, nt_xent_loss, vicreg_loss


def half_precision_embeddings(seed: int = 0) -> tuple:
    """(8, 32) bfloat16 embeddings of two branches, as an autocast encoder
    gives them."""
    generator = torch.Generator().manual_seed(seed)
    z = torch.randn(2, 8, 32, generator=generator)
    return z[0].bfloat16(), (z[0] + 0.3 * z[1]).bfloat16()


@pytest.mark.parametrize('loss_fn', [nt_xent_loss, vicreg_loss, byol_loss])
def test_losses_keep_float32_under_autocast(loss_fn):
    z_a, z_b = half_precision_embeddings()
    exact = loss_fn(z_a.float(), z_b.float())
    with torch.autocast('cpu', dtype=torch.bfloat16):
        kept = loss_in_float32(loss_fn, z_a, z_b)
    if isinstance(exact, dict):  # VICReg: the loss and its terms
        exact, kept = exact['loss'], kept['loss']
    assert kept.dtype == torch.float32
    assert kept.item() == pytest.approx(exact.item(), rel=1e-6)


def test_the_similarities_in_16_bits_would_cost_more_than_rounding():
    """Why: NT-Xent's logits over tau = 0.1 in bfloat16 move the loss by
    more than float32 rounding by far."""
    z_a, z_b = half_precision_embeddings()
    exact = nt_xent_loss(z_a.float(), z_b.float())
    with torch.autocast('cpu', dtype=torch.bfloat16):
        sixteen_bits = nt_xent_loss(z_a, z_b)
    assert abs(sixteen_bits.item() - exact.item()) > 1e-4 * abs(exact.item())


@pytest.mark.parametrize('framework', [SimCLR(), VICReg()],
                         ids=['simclr', 'vicreg'])
def test_frameworks_compute_their_loss_in_float32_under_autocast(framework):
    torch.manual_seed(0)
    encoder = nn.Sequential(nn.Flatten(), nn.Linear(3 * 2 * 4 * 4, 32))
    clips_a, clips_b = torch.randn(2, 8, 3, 2, 4, 4)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        embeddings = encoder(torch.cat([clips_a, clips_b]))
        got = framework.loss(encoder, clips_a, clips_b)['loss']
    z_a, z_b = embeddings.float().chunk(2)
    if isinstance(framework, SimCLR):
        expected = nt_xent_loss(z_a, z_b)
    else:
        expected = vicreg_loss(z_a, z_b)['loss']
    assert embeddings.dtype == torch.bfloat16  # the encoder ran in 16 bits
    assert got.dtype == torch.float32
    assert got.item() == pytest.approx(expected.item(), rel=1e-6)
