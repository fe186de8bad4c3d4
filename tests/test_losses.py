"""Each loss against an independent computation of its paper's equation."""
import numpy as np
import pytest
import torch

from mmvididi.models.losses import byol_loss, nt_xent_loss, vicreg_loss
from tests.references import (byol_reference, nt_xent_reference,
                              vicreg_reference)


def embeddings(seed: int, num: int = 6, dim: int = 5):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(num, dim)).astype(np.float32),
            rng.normal(size=(num, dim)).astype(np.float32))


@pytest.mark.parametrize('tau', [0.1, 0.5, 1.0])
def test_nt_xent_matches_the_anchor_by_anchor_formula(tau):
    z_a, z_b = embeddings(0)
    got = nt_xent_loss(torch.from_numpy(z_a), torch.from_numpy(z_b), tau)
    assert got.item() == pytest.approx(nt_xent_reference(z_a, z_b, tau), rel=1e-5)


@pytest.mark.parametrize('num_negatives', [1, 6])
def test_nt_xent_negatives_join_every_denominator(num_negatives):
    z_a, z_b = embeddings(4)
    negatives = embeddings(5, num=num_negatives)[0]
    got = nt_xent_loss(torch.from_numpy(z_a), torch.from_numpy(z_b), 0.2,
                       torch.from_numpy(negatives))
    assert got.item() == pytest.approx(
        nt_xent_reference(z_a, z_b, 0.2, negatives), rel=1e-5)
    assert got > nt_xent_loss(torch.from_numpy(z_a), torch.from_numpy(z_b), 0.2)


def test_nt_xent_is_low_for_agreeing_and_high_for_random_pairs():
    z_a, _ = embeddings(1, num=8, dim=16)
    z = torch.from_numpy(z_a)
    agree = nt_xent_loss(z, z * 2.0, 0.1)  # scale does not matter
    assert agree.item() == pytest.approx(
        nt_xent_reference(z_a, z_a * 2, 0.1), rel=1e-5)
    assert agree < nt_xent_loss(z, torch.from_numpy(embeddings(2, 8, 16)[0]), 0.1)


def test_byol_loss_matches_the_normalised_mse_and_stops_target_gradients():
    p, z = embeddings(3)
    p_t = torch.from_numpy(p).requires_grad_()
    z_t = torch.from_numpy(z).requires_grad_()
    loss = byol_loss(p_t, z_t)
    assert loss.item() == pytest.approx(byol_reference(p, z), rel=1e-5)
    loss.backward()
    assert p_t.grad is not None and z_t.grad is None


def test_vicreg_terms_match_explicit_sums():
    z_a, z_b = embeddings(4, num=7, dim=4)
    z_a[:, 0] *= 0.1  # one collapsing dimension: the variance hinge is active
    got = vicreg_loss(torch.from_numpy(z_a), torch.from_numpy(z_b))
    expected = vicreg_reference(z_a, z_b)
    for term in ('invariance', 'variance', 'covariance'):
        assert got[term].item() == pytest.approx(expected[term], rel=1e-5)
    assert expected['variance'] > 0
    assert got['loss'].item() == pytest.approx(
        25 * expected['invariance'] + 25 * expected['variance'] +
        expected['covariance'], rel=1e-5)


def test_vicreg_weights_are_applied():
    z_a, z_b = (torch.from_numpy(z) for z in embeddings(5))
    terms = vicreg_loss(z_a, z_b, 1.0, 2.0, 3.0)
    assert terms['loss'].item() == pytest.approx(
        (terms['invariance'] + 2 * terms['variance'] +
         3 * terms['covariance']).item(), rel=1e-6)
