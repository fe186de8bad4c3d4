"""temporal_derivatives against the binomial formula, on numpy and torch."""
import numpy as np
import pytest
import torch

from mmvididi.derivatives import (MAX_ORDER, check_orders,
                                  temporal_derivatives, time_reversed)
from tests.references import binomial_reference


@pytest.mark.parametrize('orders', [(0, 1, 2), (2, 0), (1, ), (3, 1)])
def test_numpy_matches_binomial_formula(orders):
    rng = np.random.default_rng(0)
    clip = rng.integers(0, 256, (2, 7 + max(orders), 5, 4, 3), dtype=np.uint8)
    result = temporal_derivatives(clip.astype(np.int16), orders)
    assert len(result) == len(orders)
    for order, got in zip(orders, result):
        assert got.shape == (2, 7, 5, 4, 3) and got.dtype == np.int16
        for view in range(2):
            np.testing.assert_array_equal(
                got[view], binomial_reference(clip[view], order, 7))


def test_int16_is_exact_at_the_extremes():
    # 0, 255, 0, 255: order 1 reaches +-255, order 2 +-510, order 3 +-1020
    clip = np.array([0, 255, 0, 255, 0, 255], np.uint8).reshape(1, 6, 1, 1, 1)
    d1, d2, d3 = temporal_derivatives(clip.astype(np.int16), (1, 2, 3))
    assert d1.ravel().tolist() == [255, -255, 255]
    assert d2.ravel().tolist() == [-510, 510, -510]
    assert d3.ravel().tolist() == [1020, -1020, 1020]


def test_torch_matches_numpy_on_any_time_dim():
    rng = np.random.default_rng(1)
    clip = rng.integers(0, 256, (2, 3, 10, 4, 4), dtype=np.uint8)  # N C T H W
    expected = temporal_derivatives(clip.astype(np.float32), (0, 1, 2),
                                    time_dim=2)
    got = temporal_derivatives(torch.from_numpy(clip).float(), (0, 1, 2),
                               time_dim=-3)
    for e, g in zip(expected, got):
        assert g.shape == (2, 3, 8, 4, 4)
        np.testing.assert_array_equal(g.numpy(), e)


@pytest.mark.parametrize('orders', [(), (0, 0), (-1, ), (MAX_ORDER + 1, ),
                                    (1.0, ), (True, ), ('1', )])
def test_check_orders_rejects_with_the_fix(orders):
    with pytest.raises(ValueError, match=r'MyModel.orders: .*distinct integers'):
        check_orders(orders, 'MyModel.orders')


def test_check_orders_returns_plain_ints():
    assert check_orders([np.int64(2), 0], 'x') == (2, 0)


@pytest.mark.parametrize('order', range(MAX_ORDER + 1))
@pytest.mark.parametrize('backend', ['numpy', 'torch'])
def test_time_reversed_is_the_derivative_of_the_reversed_clip(order, backend):
    """(-1)**n times the derivative played backwards is the order-n
    derivative of the frames it was computed from, reversed (time on axis 2,
    as the recogniser's (N, C, T, H, W) clips have it)."""
    rng = np.random.default_rng(order)
    frames = rng.integers(0, 256, size=(2, 3, 6 + order, 4, 5)).astype(
        np.float32)
    if backend == 'torch':
        frames = torch.from_numpy(frames)
    (derivative, ) = temporal_derivatives(frames, (order, ), time_dim=2)
    backwards = frames.flip(2) if backend == 'torch' else frames[:, :, ::-1]
    (expected, ) = temporal_derivatives(backwards, (order, ), time_dim=2)
    got = time_reversed(derivative, order, time_dim=2)
    assert type(got) is type(derivative) and got.shape == derivative.shape
    np.testing.assert_array_equal(np.asarray(got), np.asarray(expected))
