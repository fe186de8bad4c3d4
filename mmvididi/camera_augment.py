"""Camera-motion augmentation: every training view gets a camera move of its own.

A deliberate camera move (a pan, a zoom, a roll) spans a shot, so the two views of a
video share it, and instance discrimination can tell videos apart by their camera's
path instead of by what moves in the scene: under camera motion the path is a
per-video signature, in the frames and louder still in every derivative, where each
edge of the background lights up. :class:`CameraMotionAugment` gives each training
view a random camera move of its own, drawn independently and (at the defaults, about
twice the benchmark's hand-held camera) stronger than the footage's, before the orders
are computed: the global motion two views share becomes a
small part of the global motion each shows, while the motion in the scene is still
common to both. The frames and every derivative of a view see the same move, as if a
camera had made it. The principle is that of every augmentation: what differs between
the views of a video is what the embedding learns to ignore.

A move is linear over the clip, as the benchmark's deliberate camera motion is
(:mod:`mmvididi.data_preparation.camera`), and centred on the clip's middle frame,
which stays where it was: a pan of uniform direction and a length uniform in
``[0, pan]`` frame sides (the shorter side), a zoom whose log-scale changes by
``U(-zoom, zoom)``, a roll of ``U(-rotation, rotation)`` degrees, each over the clip.
Frames are resampled bilinearly; where a frame's view leaves the picture the picture
is mirrored at its edge (``grid_sample``'s ``'reflection'`` padding), so no pixel is
left blank.
"""
import math

import torch
import torch.nn.functional as F

from mmvididi.motion_compensation import apply_motion, centred_grid


def similarity_motions(offset: torch.Tensor, log_scale: torch.Tensor,
                       roll: torch.Tensor) -> torch.Tensor:
    """``(..., 2, 3)`` maps ``p_in = exp(s) R(r) p + offset`` from a warped
    frame's centred pixel coordinates ``p`` (x right, y down) to the
    original's, as ``[A | b]``.

    Args:
        offset: ``(..., 2)`` translation, pixels.
        log_scale: ``(...)`` log of the scale ``s``.
        roll: ``(...)`` angle ``r``, radians (from x towards y).
    """
    scale = log_scale.exp()
    cos, sin = scale * roll.cos(), scale * roll.sin()
    return torch.stack([
        torch.stack([cos, -sin, offset[..., 0]], dim=-1),
        torch.stack([sin, cos, offset[..., 1]], dim=-1)
    ], dim=-2)


def warp_frames(frames: torch.Tensor, motions: torch.Tensor) -> torch.Tensor:
    """Every frame read through its map: ``out(p) = frames(A p + b)``.

    Args:
        frames: ``(B, T, H, W, C)`` float frames, channel-last.
        motions: ``(B, T, 2, 3)`` maps in centred pixel coordinates
            (:func:`similarity_motions`).

    Returns:
        ``(B, T, H, W, C)``, bilinear, mirrored at the picture's edges.
    """
    num, length, height, width, channels = frames.shape
    grid = centred_grid(height, width, height, width, frames.dtype,
                        frames.device)
    points = apply_motion(motions.reshape(-1, 2, 3).to(frames.dtype), grid)
    points = points * points.new_tensor([2 / width, 2 / height])
    images = frames.reshape(-1, height, width, channels).permute(0, 3, 1, 2)
    warped = F.grid_sample(images, points, mode='bilinear',
                           padding_mode='reflection', align_corners=False)
    return warped.permute(0, 2, 3, 1).reshape(frames.shape)


class CameraMotionAugment:
    """A random camera move of its own for every training view (module
    docstring).

    Args:
        pan: the longest pan over a clip, in frame sides (the shorter side).
        zoom: the largest change of log-scale over a clip (0.1: about 10 %).
        rotation: the largest roll over a clip, degrees.
        prob: the chance that a view is moved (each view independently).

    Random draws use torch's global generator on the frames' device, which the
    Runner seeds.
    """

    def __init__(self, pan: float = 0.3, zoom: float = 0.12,
                 rotation: float = 6.0, prob: float = 1.0) -> None:
        if min(pan, zoom, rotation) < 0 or not 0 <= prob <= 1:
            raise ValueError(
                f'CameraMotionAugment: pan={pan!r}, zoom={zoom!r}, rotation='
                f'{rotation!r}, prob={prob!r} is not valid; give strengths '
                '>= 0 and 0 <= prob <= 1, e.g. dict(pan=0.3, zoom=0.12, '
                'rotation=6.0).')
        self.pan, self.zoom = float(pan), float(zoom)
        self.rotation, self.prob = float(rotation), float(prob)

    def __repr__(self) -> str:
        return (f'CameraMotionAugment(pan={self.pan}, zoom={self.zoom}, '
                f'rotation={self.rotation}, prob={self.prob})')

    def draw(self, num: int, length: int, height: int, width: int,
             device=None) -> torch.Tensor:
        """``(num, length, 2, 3)`` maps: one move per clip, linear over its
        ``length`` frames, the middle frame at rest; a clip that is not
        moved (``prob``) gets the identity."""
        def uniform(low, high):
            return low + (high - low) * torch.rand(num, 1, device=device)

        time = torch.linspace(-0.5, 0.5, length, device=device)[None]
        moved = (torch.rand(num, 1, device=device) < self.prob).float()
        angle = uniform(0, 2 * math.pi)
        length_px = uniform(0, self.pan * min(height, width)) * moved
        direction = torch.stack([angle.cos(), angle.sin()], dim=-1)
        offset = (time * length_px)[..., None] * direction
        log_scale = time * uniform(-self.zoom, self.zoom) * moved
        roll = time * uniform(-self.rotation, self.rotation).deg2rad() * moved
        return similarity_motions(offset, log_scale, roll)

    def __call__(self, frames: torch.Tensor) -> torch.Tensor:
        """``(N, V, T, H, W, C)`` float frames, each view moved."""
        num, views, length, height, width = frames.shape[:5]
        motions = self.draw(num * views, length, height, width, frames.device)
        warped = warp_frames(frames.flatten(0, 1), motions)
        return warped.view(frames.shape)
