"""Static-frame mixing: appearance the temporal derivatives cannot see.

One image ``s`` added to every frame of a clip changes its frames and none of its
derivatives: order n >= 1 of ``x + s`` is order n of ``x``, because ``s`` does not
change in time. Mixed as ``(1 - w) x + w s``, order n is ``(1 - w)`` times order n of
``x``, a scale that ``derivative_norm='clip_rms'`` divides out (above its floor).

:class:`StaticFrameMix` mixes into each training view's frames (order 0) one frame
of *another* video of the batch, held still. ViDiDi's cross-order pairs make a view's
frame embedding agree with the other view's derivative embedding, which cannot see
the added image; the frames must therefore learn to discount appearance that does
not move, and the image, another video's, makes a video's frames partly resemble
that video (a negative) by appearance alone. The same idea as Background Erasing
(Wang et al., CVPR 2021), which adds a frame of the *same* video and a consistency
loss; here the image is another video's, so that appearance alone stops telling two
videos apart. Only order 0 is touched: the derivatives are computed from the video
as decoded, which under ``clip_rms`` is the same as differencing the mixed video.
"""
import torch


def mix_static_frames(frames: torch.Tensor, partners: torch.Tensor,
                      times: torch.Tensor,
                      weights: torch.Tensor) -> torch.Tensor:
    """``(1 - w) x + w s`` for every sample and view.

    Args:
        frames: ``(N, V, T, H, W, C)`` float frames (order 0).
        partners: ``(N,)`` long, the sample whose frame each sample gets.
        times: ``(N, V)`` long, the frame of the partner's same view, in 0..T-1.
        weights: ``(N, V)`` float in [0, 1], ``w`` (0 leaves a view as it is).

    Returns:
        ``(N, V, T, H, W, C)``: each view plus its partner's still frame.
    """
    views = torch.arange(frames.shape[1], device=frames.device)
    still = frames[partners[:, None], views[None, :], times]  # N V H W C
    w = weights[:, :, None, None, None, None].to(frames.dtype)
    return (1 - w) * frames + w * still[:, :, None]


class StaticFrameMix:
    """Mix a still frame of another video of the batch into each view's frames.

    Args:
        prob: the chance that a view is mixed (each view independently).
        max_weight: ``w`` is drawn uniformly from ``[0, max_weight]``.

    A batch of one video has no other video: it is returned unchanged.
    Random draws use torch's global generator on the frames' device, which the
    Runner seeds.
    """

    def __init__(self, prob: float = 1.0, max_weight: float = 0.5) -> None:
        if not 0 <= prob <= 1 or not 0 < max_weight <= 1:
            raise ValueError(
                f'StaticFrameMix: prob={prob!r}, max_weight={max_weight!r} is '
                'not valid; give 0 <= prob <= 1 and 0 < max_weight <= 1, e.g. '
                'dict(prob=1.0, max_weight=0.5).')
        self.prob = float(prob)
        self.max_weight = float(max_weight)

    def __repr__(self) -> str:
        return (f'StaticFrameMix(prob={self.prob}, '
                f'max_weight={self.max_weight})')

    def __call__(self, frames: torch.Tensor) -> torch.Tensor:
        """``(N, V, T, H, W, C)`` float frames, mixed."""
        num, views, length = frames.shape[:3]
        if num < 2:
            return frames
        device = frames.device
        shift = torch.randint(1, num, (1, ), device=device)
        partners = (torch.arange(num, device=device) + shift) % num
        times = torch.randint(0, length, (num, views), device=device)
        weights = torch.rand((num, views), device=device) * self.max_weight
        mixed = torch.rand((num, views), device=device) < self.prob
        return mix_static_frames(frames, partners, times, weights * mixed)
