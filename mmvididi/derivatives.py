"""Temporal derivatives of a clip: the terms of ViDiDi's Taylor expansion.

Order 0 is the frames, order 1 the forward difference ``x[t+1] - x[t]``, order 2
``x[t+2] - 2 x[t+1] + x[t]``; in general order n at time t is
``sum_k (-1)**(n - k) * C(n, k) * x[t + k]``. A clip of ``T + max(orders)`` frames
gives ``T`` frames for every order, all anchored at the same frames t = 0..T-1.
Used on the host (numpy, :class:`TemporalDerivative`) and on the device (torch).
"""
from typing import List, Sequence, TypeVar

import numpy as np

Array = TypeVar('Array')  # numpy.ndarray or torch.Tensor

#: Highest order accepted. ViDiDi uses orders 0-2 (the Taylor terms up to
#: acceleration); 3 is allowed for ablations. int16 would hold uint8 frames
#: exactly up to order 8 (|order n| <= 255 * 2**(n - 1)).
MAX_ORDER = 3


def check_orders(orders: Sequence[int], owner: str) -> tuple:
    """Validate derivative orders and return them as a tuple of ints.

    Raises:
        ValueError: naming ``owner`` (the component or config key) and the fix.
    """
    orders = tuple(orders)
    bad = [o for o in orders
           if isinstance(o, bool) or not isinstance(o, (int, np.integer))
           or not 0 <= o <= MAX_ORDER]
    if not orders or bad or len(set(orders)) != len(orders):
        raise ValueError(
            f'{owner}: orders={orders!r} is not valid; give distinct integers '
            f'in 0..{MAX_ORDER} (0: frames, 1: x[t+1]-x[t], '
            '2: x[t+2]-2x[t+1]+x[t]), e.g. orders=(0, 1, 2).')
    return tuple(int(o) for o in orders)


def temporal_derivatives(clips: Array, orders: Sequence[int],
                         time_dim: int = 1) -> List[Array]:
    """Forward differences of ``clips`` along ``time_dim``, one per order.

    Computed in the dtype of ``clips``: cast uint8 frames to int16 first for an
    exact result (order 2 of uint8 spans -510..510), or to float32.

    Args:
        clips: numpy array or torch tensor with ``T + max(orders)`` frames
            along ``time_dim``.
        orders: derivative orders to return, in this order.
        time_dim: the time axis.

    Returns:
        One array per order, shaped like ``clips`` with ``T`` frames.
    """
    num_frames = clips.shape[time_dim] - max(orders)
    lead = (slice(None), ) * (time_dim % clips.ndim)
    by_order = {}
    difference = clips
    for order in range(max(orders) + 1):
        by_order[order] = difference[lead + (slice(0, num_frames), )]
        if order < max(orders):
            difference = (difference[lead + (slice(1, None), )] -
                          difference[lead + (slice(None, -1), )])
    return [by_order[order] for order in orders]


def time_reversed(derivative: Array, order: int, time_dim: int = 1) -> Array:
    """The order-``order`` derivative of the time-reversed clip, from the
    derivative of the clip: ``(-1)**order`` times it played backwards.

    Reversing frames ``x[0..T-1+n]`` gives ``x'[t] = x[T-1+n-t]``, whose order-n
    derivative at ``t`` is ``(-1)**n`` times the clip's at ``T-1-t``: the
    frames and order 2 play backwards, order 1 (the velocity) also changes
    sign. No frame is needed beyond those the derivative was computed from.

    Args:
        derivative: numpy array or torch tensor, ``T`` frames along
            ``time_dim``, as :func:`temporal_derivatives` returns it.
        order: its order.
        time_dim: the time axis.
    """
    axis = time_dim % derivative.ndim
    if isinstance(derivative, np.ndarray):
        backwards = np.flip(derivative, axis=axis)
    else:
        backwards = derivative.flip(axis)
    return -backwards if order % 2 else backwards
