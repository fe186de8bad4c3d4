"""Synthetic motion videos: the label is the motion, appearance is random.

Each video shows one object moving over a textured background, with static
distractor shapes and camera jitter. The class is the object's motion: its
direction and whether it moves at constant speed or accelerates from rest. The
background texture, object shape, size, colour and texture, the distractors,
the starting point and speed and the jitter are drawn at random for every
video and carry no information about the class, so an encoder that separates
these videos by class has learned motion, not appearance.

Deterministic from a seed: video ``i`` of a split is drawn from
``default_rng([seed, split_index, i])``.
"""
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np

from mmvididi.utils.annotation_files import write_lines, write_video_list
from mmvididi.utils.video_io import write_video

DIRECTIONS = {'right': (1, 0), 'left': (-1, 0), 'down': (0, 1), 'up': (0, -1),
              'down-right': (1, 1), 'up-left': (-1, -1), 'down-left': (-1, 1),
              'up-right': (1, -1)}
DYNAMICS = ('constant', 'accelerating')
SHAPES = ('square', 'disk', 'triangle', 'ring', 'cross')
TEXTURES = ('noise', 'stripes', 'checker', 'gradient', 'blobs')


@dataclass
class MotionDatasetSpec:
    """Size and difficulty of a synthetic motion dataset.

    Attributes:
        directions: how many of ``DIRECTIONS`` (4: axis-aligned, 8: diagonals
            too).
        dynamics: which of ``DYNAMICS``; classes = directions x dynamics.
        train_per_class, test_per_class: videos per class and split.
        num_frames, size: frames and ``(height, width)`` of each video.
        travel: distance the object covers over the video, in frame sizes,
            (min, max); sets the speed.
        object_size: object side in pixels, (min, max).
        distractors: static shapes on the background, (min, max).
        jitter: camera shake, max pixels a frame. Off by default: a 1-pixel
            shake draws every background edge into the derivatives as
            strongly as the moving object (see docs/motion_benchmark.md).
        noise: std of the per-frame pixel noise, grey levels.
        suffix: container (``.mp4``: H.264, ``.avi``: Xvid).
    """

    directions: int = 4
    dynamics: Sequence[str] = DYNAMICS
    train_per_class: int = 48
    test_per_class: int = 16
    num_frames: int = 32
    size: Tuple[int, int] = (64, 64)
    travel: Tuple[float, float] = (0.6, 0.9)
    object_size: Tuple[int, int] = (16, 24)
    distractors: Tuple[int, int] = (1, 3)
    jitter: int = 0
    noise: float = 3.0
    suffix: str = '.mp4'
    classes: List[str] = field(init=False)

    def __post_init__(self) -> None:
        if self.directions not in (4, 8):
            raise ValueError(f'directions={self.directions}: use 4 or 8.')
        unknown = set(self.dynamics) - set(DYNAMICS)
        if unknown or not self.dynamics:
            raise ValueError(f'dynamics={self.dynamics}: choose from {DYNAMICS}.')
        names = list(DIRECTIONS)[:self.directions]
        self.classes = [f'{d}_{k}' for d in names for k in self.dynamics]


def _texture(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """A random ``(H, W, 3)`` float texture in 0..255."""
    kind = TEXTURES[rng.integers(len(TEXTURES))]
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base, other = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
    if kind == 'noise':
        amount = rng.uniform(10, 60)
        return base + rng.normal(0, amount, (height, width, 3))
    if kind == 'stripes':
        angle, period = rng.uniform(0, np.pi), rng.uniform(4, 16)
        phase = (x * np.cos(angle) + y * np.sin(angle)) / period
        mix = (np.sin(2 * np.pi * phase) > 0).astype(np.float32)
    elif kind == 'checker':
        cell = rng.integers(4, 12)
        mix = ((x // cell + y // cell) % 2).astype(np.float32)
    elif kind == 'gradient':
        angle = rng.uniform(0, 2 * np.pi)
        ramp = x * np.cos(angle) + y * np.sin(angle)
        mix = (ramp - ramp.min()) / (np.ptp(ramp) + 1e-6)
    else:  # blobs
        mix = np.zeros((height, width), np.float32)
        for _ in range(rng.integers(3, 8)):
            cy, cx = rng.uniform(0, height), rng.uniform(0, width)
            radius = rng.uniform(3, 12)
            mix = np.maximum(mix, ((y - cy)**2 + (x - cx)**2 < radius**2))
    return base + mix[..., None] * (other - base)


def _shape_mask(rng: np.random.Generator, side: int) -> np.ndarray:
    """A random ``(side, side)`` boolean shape."""
    kind = SHAPES[rng.integers(len(SHAPES))]
    y, x = np.mgrid[0:side, 0:side].astype(np.float32) - (side - 1) / 2
    radius = side / 2
    if kind == 'square':
        return np.ones((side, side), bool)
    if kind == 'disk':
        return x**2 + y**2 <= radius**2
    if kind == 'ring':
        r2 = x**2 + y**2
        return (r2 <= radius**2) & (r2 >= (radius * 0.5)**2)
    if kind == 'cross':
        return (np.abs(x) < side / 6) | (np.abs(y) < side / 6)
    return y >= -radius + 2 * np.abs(x)  # triangle


def _paste(canvas: np.ndarray, mask: np.ndarray, colour: np.ndarray,
           top: float, left: float) -> None:
    """Paint ``colour`` (an ``(h, w, 3)`` patch) where ``mask`` at (top, left)."""
    top, left = int(round(top)), int(round(left))
    h, w = mask.shape
    y0, x0 = max(top, 0), max(left, 0)
    y1, x1 = min(top + h, canvas.shape[0]), min(left + w, canvas.shape[1])
    if y1 <= y0 or x1 <= x0:
        return
    region = mask[y0 - top:y1 - top, x0 - left:x1 - left]
    canvas[y0:y1, x0:x1][region] = colour[y0 - top:y1 - top,
                                          x0 - left:x1 - left][region]


def render_video(rng: np.random.Generator, spec: MotionDatasetSpec,
                 label: int) -> Tuple[np.ndarray, np.ndarray]:
    """One video of class ``label``.

    Returns:
        ``(num_frames, H, W, 3)`` uint8 frames and the ``(num_frames, 2)``
        x, y pixel position of the object's top-left corner in each.
    """
    height, width = spec.size
    margin = spec.jitter
    background = _texture(rng, height + 2 * margin, width + 2 * margin)
    for _ in range(rng.integers(spec.distractors[0], spec.distractors[1] + 1)):
        side = int(rng.integers(*spec.object_size))
        _paste(background, _shape_mask(rng, side),
               _texture(rng, side, side),
               rng.uniform(0, height - side), rng.uniform(0, width - side))

    direction_name, dynamics = spec.classes[label].rsplit('_', 1)
    direction = np.array(DIRECTIONS[direction_name], np.float32)
    direction /= np.linalg.norm(direction)
    side = int(rng.integers(*spec.object_size))
    mask = _shape_mask(rng, side)
    colour = _texture(rng, side, side)

    # distance covered by time t (frames), in pixels: linear or quadratic in t;
    # at most what fits in the frame along the direction
    duration = spec.num_frames - 1
    room = min((height, width)[1 - axis] - side
               for axis in range(2) if direction[axis]) / np.abs(direction).max()
    travel = min(rng.uniform(*spec.travel) * min(height, width), room)
    t = np.arange(spec.num_frames, dtype=np.float32)
    covered = travel * (t / duration if dynamics == 'constant' else
                        (t / duration)**2)
    # start so that the whole path stays in the frame
    start = np.empty(2, np.float32)
    for axis, extent in enumerate((width - side, height - side)):
        low = max(0.0, -direction[axis] * travel)
        high = min(extent, extent - direction[axis] * travel)
        start[axis] = rng.uniform(low, max(low, high))

    path = start + direction * covered[:, None]
    frames = np.empty((spec.num_frames, height, width, 3), np.uint8)
    for i, (x, y) in enumerate(path):
        canvas = background.copy()
        _paste(canvas, mask, colour, y + margin, x + margin)
        dy, dx = rng.integers(-margin, margin + 1, 2) if margin else (0, 0)
        view = canvas[margin + dy:margin + dy + height,
                      margin + dx:margin + dx + width]
        view = view + rng.normal(0, spec.noise, view.shape)
        frames[i] = np.clip(view, 0, 255).astype(np.uint8)
    return frames, path


def generate_motion_dataset(root: Path, spec: MotionDatasetSpec, seed: int = 0,
                            progress: Optional[Callable[[int, int], None]] = None
                            ) -> Path:
    """Write the train and test videos and their annotation files under ``root``.

    Writes ``root/videos/<split>/<class>/<i>.<suffix>``,
    ``root/{train,test}_videos.txt`` (VideoDataset lists, paths relative to
    ``root/videos``) and ``root/label_map.txt``.

    Returns:
        ``root``.
    """
    root = Path(root)
    splits = (('train', spec.train_per_class), ('test', spec.test_per_class))
    total = len(spec.classes) * sum(n for _, n in splits)
    done = 0
    for split_index, (split, per_class) in enumerate(splits):
        videos = []
        for i in range(per_class * len(spec.classes)):
            label = i % len(spec.classes)
            rng = np.random.default_rng([seed, split_index, i])
            name = f'{split}/{spec.classes[label]}/{i:05d}{spec.suffix}'
            write_video(root / 'videos' / name, render_video(rng, spec, label)[0])
            videos.append((name, label))
            done += 1
            if progress is not None:
                progress(done, total)
        write_video_list(root / f'{split}_videos.txt', videos)
    write_lines(root / 'label_map.txt', spec.classes)
    return root
