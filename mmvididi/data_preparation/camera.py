"""Camera motion for the synthetic motion videos: pan, zoom, roll, hand-held shake.

A video's camera is a sequence of affine maps, one a frame, from view pixels to
world pixels. The world is rendered once on a canvas larger than the view
(``view_bounds`` says how large) and every frame is resampled from it
(``cv2.warpAffine``, bilinear), so the whole scene (background, distractors and
target alike) moves with the camera and no border is ever left blank.

World coordinates are the view's pixel coordinates at rest (x to the right, y
down); a static camera's map is the identity, so its frames are the world's
pixels, not resampled.

The strengths (``CameraMotion``) are the largest motions a video can draw; each
video draws its own, independent of its class.
"""
from dataclasses import dataclass
from typing import Dict, Tuple

import numpy as np


@dataclass(frozen=True)
class CameraMotion:
    """Strengths of the camera motion; lengths are in frame sides (the view's
    shorter side), so a preset looks the same at every frame size.

    Every video draws its own motion within these bounds, independent of its
    class: a pan of uniform direction and a speed uniform in ``[0, pan]``; a
    zoom whose log-scale changes linearly by ``U(-zoom, zoom)`` over the clip;
    a roll that turns linearly by ``U(-rotation, rotation)`` degrees; a
    hand-held shake of rms ``U(0.5, 1) * shake``; and a white-noise jitter.

    Attributes:
        pan: largest distance the camera pans over the clip, frame sides.
        zoom: largest change of log-scale over the clip (0.1: about 10 %).
        rotation: largest roll over the clip, degrees.
        shake: hand-held shake, rms displacement in frame sides: a smooth,
            low-frequency random walk (integrated Gaussian-smoothed noise,
            ``smoothness`` frames), with a roll of ``40 * shake`` degrees rms
            and a zoom of ``0.5 * shake`` rms drawn the same way.
        jitter: frame-to-frame white-noise shake, rms in frame sides.
        smoothness: time scale of the hand-held walk, frames.
    """

    pan: float = 0.0
    zoom: float = 0.0
    rotation: float = 0.0
    shake: float = 0.0
    jitter: float = 0.0
    smoothness: float = 3.0

    def __post_init__(self) -> None:
        for name in ('pan', 'zoom', 'rotation', 'shake', 'jitter'):
            if getattr(self, name) < 0:
                raise ValueError(f'CameraMotion.{name}={getattr(self, name)}: '
                                 'strengths are >= 0.')
        if self.smoothness <= 0:
            raise ValueError(f'CameraMotion.smoothness={self.smoothness}: '
                             'use a positive number of frames.')

    @property
    def is_static(self) -> bool:
        """True when no video moves its camera."""
        return not (self.pan or self.zoom or self.rotation or self.shake
                    or self.jitter)


#: The camera ladder, from a tripod to a shaky hand; see docs/motion_benchmark.md.
CAMERA_PRESETS: Dict[str, CameraMotion] = {
    'static': CameraMotion(),
    'mild': CameraMotion(pan=0.1, zoom=0.05, rotation=2.0, shake=0.01,
                         jitter=0.002),
    'handheld': CameraMotion(pan=0.25, zoom=0.1, rotation=5.0, shake=0.025,
                             jitter=0.005),
    'strong': CameraMotion(pan=0.5, zoom=0.2, rotation=10.0, shake=0.05,
                           jitter=0.01),
}


def smooth_noise(rng: np.random.Generator, length: int, sigma: float,
                 dims: int = 1) -> np.ndarray:
    """``(length, dims)`` stationary Gaussian noise of unit variance, smoothed
    in time by a Gaussian of ``sigma`` frames (low-pass)."""
    radius = int(np.ceil(3 * sigma))
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma)**2)
    kernel /= np.sqrt((kernel**2).sum())  # unit variance out
    white = rng.standard_normal((length + 2 * radius, dims))
    return np.stack([np.convolve(white[:, d], kernel, mode='valid')
                     for d in range(dims)], axis=1)


def _walk(rng: np.random.Generator, length: int, sigma: float,
          dims: int) -> np.ndarray:
    """A smooth random walk (integrated smoothed noise) of rms 1 about its
    mean, ``(length, dims)``."""
    walk = np.cumsum(smooth_noise(rng, length, sigma, dims), axis=0)
    walk -= walk.mean(axis=0)
    rms = np.sqrt((walk**2).mean(axis=0))
    return walk / np.where(rms > 0, rms, 1)


def camera_path(rng: np.random.Generator, camera: CameraMotion,
                num_frames: int, size: Tuple[int, int]) -> np.ndarray:
    """Draw one video's camera: ``(num_frames, 2, 3)`` affine maps from view
    pixels to world pixels.

    Args:
        rng: the video's generator; the draws do not depend on the class.
        camera: the strengths.
        num_frames: frames of the clip.
        size: the view's ``(height, width)``.
    """
    height, width = size
    side = min(height, width)
    time = np.linspace(0.0, 1.0, num_frames)[:, None]
    # deliberate motion, linear over the clip
    angle = rng.uniform(0, 2 * np.pi)
    speed = rng.uniform(0, camera.pan) * side
    offset = time * speed * np.array([[np.cos(angle), np.sin(angle)]])
    log_scale = time[:, 0] * rng.uniform(-camera.zoom, camera.zoom)
    roll = time[:, 0] * np.deg2rad(rng.uniform(-camera.rotation,
                                               camera.rotation))
    # hand-held: a smooth random walk of position, roll and zoom, plus jitter
    amplitude = rng.uniform(0.5, 1.0) * camera.shake
    walk = _walk(rng, num_frames, camera.smoothness, 4)
    offset = offset + amplitude * side * walk[:, :2]
    roll = roll + np.deg2rad(40 * amplitude) * walk[:, 2]
    log_scale = log_scale + 0.5 * amplitude * walk[:, 3]
    offset = offset + camera.jitter * side * rng.standard_normal(
        (num_frames, 2))
    # centre the deliberate motion on the rest position, so that the view
    # spends the clip around the world origin
    offset -= offset.mean(axis=0)

    scale = np.exp(log_scale)
    cos, sin = scale * np.cos(roll), scale * np.sin(roll)
    centre = np.array([(width - 1) / 2, (height - 1) / 2])
    maps = np.empty((num_frames, 2, 3))
    maps[:, 0, 0], maps[:, 0, 1] = cos, -sin
    maps[:, 1, 0], maps[:, 1, 1] = sin, cos
    # turn and scale about the view's centre
    maps[:, :, 2] = offset + centre - np.einsum('tij,j->ti', maps[:, :, :2],
                                                centre)
    return maps


def apply(maps: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Apply ``(..., 2, 3)`` affine maps to ``(..., N, 2)`` points."""
    return (np.einsum('...ij,...nj->...ni', maps[..., :2], points)
            + maps[..., None, :, 2])


def invert(maps: np.ndarray) -> np.ndarray:
    """Inverse of ``(..., 2, 3)`` affine maps."""
    linear = np.linalg.inv(maps[..., :2])
    out = np.empty_like(maps)
    out[..., :2] = linear
    out[..., 2] = -np.einsum('...ij,...j->...i', linear, maps[..., 2])
    return out


def view_bounds(maps: np.ndarray, size: Tuple[int, int],
                margin: int = 2) -> Tuple[np.ndarray, np.ndarray]:
    """World rectangle that every frame's view lies in: integer ``(x0, y0)``
    and ``(width, height)`` of the canvas, ``margin`` pixels to spare for the
    bilinear resampling."""
    height, width = size
    corners = np.array([[-0.5, -0.5], [width - 0.5, -0.5],
                        [-0.5, height - 0.5], [width - 0.5, height - 0.5]])
    world = apply(maps, np.broadcast_to(corners, (len(maps), 4, 2)))
    low = np.floor(world.reshape(-1, 2).min(axis=0)).astype(int) - margin
    high = np.ceil(world.reshape(-1, 2).max(axis=0)).astype(int) + margin
    return low, high - low
