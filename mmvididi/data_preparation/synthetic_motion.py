"""Synthetic motion videos: the label is the motion, everything else is random.

Each video shows one target object travelling through a scene; the class is
the target's motion: its direction and whether it moves at constant speed or
accelerates from rest. Everything else is drawn at random for every video,
independently of the class, so an encoder that separates these videos by
class has learned motion, not appearance.

The realistic renderer (the default) films the scene with a moving camera
(``camera.CameraMotion``: pan, zoom, roll, hand-held shake; a named ladder in
``CAMERA_PRESETS``), over backgrounds and object textures cropped from
photographs (``textures``), with targets and distractors that deform or
articulate (``movers``), distractors that wander on their own, lighting
flicker, sensor noise and H.264 compression at a chosen CRF with B-frames.

No label leak. The target moves on a torus: its position is a lattice of
copies whose period is the view's size (at the clip's widest zoom), and its
start is uniform over one period, so at every frame the target's position, as
well as its appearance, the camera and the distractors, has the same
distribution for every class: a single frame says nothing about the class,
only how frames change does (``tests/test_synthetic_motion.py`` checks it with
a frame-only classifier). A target that leaves the view on one side comes
back in on the other at once, as on a wrapped screen: a static view always
shows one object's worth of it (whole, or cut at one edge and the rest at the
other). The first benchmark's generator (``renderer='legacy'``,
``MotionDatasetSpec.preset('legacy')``, kept bit for bit to reproduce the
published tables) placed the whole path inside the frame, so that an early
frame told the direction from where the object was.

Deterministic from a seed: video ``i`` of a split is drawn from
``default_rng([seed, split_index, i])``.
"""
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from mmvididi.data_preparation.camera import (CAMERA_PRESETS, CameraMotion,
                                              apply, camera_path, invert,
                                              smooth_noise, view_bounds)
from mmvididi.data_preparation.movers import (MOVER_KINDS, SHAPES, Mover,
                                              blend, draw_mover)
from mmvididi.data_preparation.textures import (TEXTURE_SOURCES, load_photos,
                                                procedural_texture, texture,
                                                world_texture)
from mmvididi.datasets.transforms.load_camera_motion import camera_file
from mmvididi.utils.annotation_files import write_lines, write_video_list
from mmvididi.utils.video_io import write_video

DIRECTIONS = {'right': (1, 0), 'left': (-1, 0), 'down': (0, 1), 'up': (0, -1),
              'down-right': (1, 1), 'up-left': (-1, -1), 'down-left': (-1, 1),
              'up-right': (1, -1)}
DYNAMICS = ('constant', 'accelerating')
RENDERERS = ('realistic', 'legacy')
#: Named specs: the camera ladder (realistic renderer, the camera alone
#: varies) and ``'legacy'``, the first benchmark.
PRESETS = (*CAMERA_PRESETS, 'legacy')
DEFAULT_CAMERA = 'handheld'

#: What the legacy renderer draws; it has nothing else.
LEGACY = dict(renderer='legacy', camera=CAMERA_PRESETS['static'],
              texture_source='procedural', movers=('shape', ), deformation=0.0,
              distractor_motion=0.0, flicker=0.0, crf=None, bframes=None,
              bitrate=None, frozen_camera=False)


@dataclass
class MotionDatasetSpec:
    """Size, look and difficulty of a synthetic motion dataset.

    The default is the realistic benchmark at the ``'handheld'`` camera level;
    ``MotionDatasetSpec.preset(name)`` gives the other rungs of the camera
    ladder and the first, static benchmark (``'legacy'``).

    Attributes:
        directions: how many of ``DIRECTIONS`` (4: axis-aligned, 8: diagonals
            too).
        dynamics: which of ``DYNAMICS``; classes = directions x dynamics.
        train_per_class, test_per_class: videos per class and split.
        num_frames, size: frames and ``(height, width)`` of each video
            (even numbers, for H.264's 4:2:0).
        travel: distance the target covers over the video, in frame sides
            (the shorter side), (min, max); sets the speed.
        object_size: side of the target and distractors, in frame sides,
            (min, max).
        distractors: other objects in the scene, (min, max).
        camera: the camera motion's strengths (``CAMERA_PRESETS``).
        frozen_camera: film every frame from the camera's pose at the middle
            frame (frame ``num_frames // 2``): the scene and every draw as
            under the moving camera (the same canvas, the same torus of the
            target), filmed from where that camera stands mid-video, without
            its motion. A control: it separates what the camera's motion
            costs from what its view (zoom, roll, position) does
            (docs/motion_benchmark.md). False (default): the camera moves.
        texture_source: ``'photos'`` (needs scikit-image), ``'synthetic'``
            (1/f noise) or ``'procedural'`` (patterns); see ``textures``.
        movers: the object kinds drawn (``MOVER_KINDS``).
        deformation: strength of wobble, swing, breathing and spin (0: rigid).
        distractor_motion: how far a distractor travels over the clip, at
            most, in frame sides (random direction, with a smooth wander).
        flicker: lighting flicker, std of the log of the global gain.
        noise: std of the per-frame sensor noise, grey levels.
        crf: H.264 constant rate factor (None: the encoder's default, 23).
        bframes: H.264 B-frames (None: the encoder's default, 3).
        bitrate: H.264 target bit rate, e.g. ``'100k'``, instead of ``crf``.
        suffix: container (``.mp4``: H.264, ``.avi``: Xvid, ``.mkv``: FFV1);
            ``crf``, ``bframes`` and ``bitrate`` apply to ``.mp4``.
        renderer: ``'realistic'`` or ``'legacy'`` (the first benchmark; it
            has no camera motion, deformation, flicker or photos).
    """

    directions: int = 4
    dynamics: Sequence[str] = DYNAMICS
    train_per_class: int = 48
    test_per_class: int = 16
    num_frames: int = 32
    size: Tuple[int, int] = (64, 64)
    travel: Tuple[float, float] = (0.6, 0.9)
    object_size: Tuple[float, float] = (0.25, 0.375)
    distractors: Tuple[int, int] = (1, 3)
    camera: CameraMotion = CAMERA_PRESETS[DEFAULT_CAMERA]
    frozen_camera: bool = False
    texture_source: str = 'photos'
    movers: Sequence[str] = MOVER_KINDS
    deformation: float = 1.0
    distractor_motion: float = 0.2
    flicker: float = 0.04
    noise: float = 3.0
    crf: Optional[int] = 23
    bframes: Optional[int] = 2
    bitrate: Optional[str] = None
    suffix: str = '.mp4'
    renderer: str = 'realistic'
    classes: List[str] = field(init=False)

    def __post_init__(self) -> None:
        if self.directions not in (4, 8):
            raise ValueError(f'directions={self.directions}: use 4 or 8.')
        unknown = set(self.dynamics) - set(DYNAMICS)
        if unknown or not self.dynamics:
            raise ValueError(f'dynamics={self.dynamics}: choose from {DYNAMICS}.')
        if self.texture_source not in TEXTURE_SOURCES:
            raise ValueError(f'texture_source={self.texture_source!r}: choose '
                             f'from {TEXTURE_SOURCES}.')
        self.movers = tuple(self.movers)
        unknown = set(self.movers) - set(MOVER_KINDS)
        if unknown or not self.movers:
            raise ValueError(f'movers={self.movers}: choose from {MOVER_KINDS}.')
        if self.renderer not in RENDERERS:
            raise ValueError(f'renderer={self.renderer!r}: choose from '
                             f'{RENDERERS}.')
        height, width = self.size
        if height % 2 or width % 2 or min(height, width) < 16:
            raise ValueError(f'size={self.size}: use even sides of at least '
                             '16 pixels.')
        if self.crf is not None and self.bitrate is not None:
            raise ValueError('crf and bitrate both set: choose one rate '
                             'control.')
        if self.renderer == 'legacy':
            different = [name for name, value in LEGACY.items()
                         if getattr(self, name) != value
                         and name not in ('crf', 'bframes', 'bitrate')]
            if different:
                raise ValueError(
                    f"renderer='legacy' has no {', '.join(different)}: leave "
                    "them at MotionDatasetSpec.preset('legacy')'s values or "
                    "use renderer='realistic'.")
        names = list(DIRECTIONS)[:self.directions]
        self.classes = [f'{d}_{k}' for d in names for k in self.dynamics]

    @classmethod
    def preset(cls, name: str, **overrides) -> 'MotionDatasetSpec':
        """A named spec (``PRESETS``), with ``overrides`` of its fields.

        ``'static'``, ``'mild'``, ``'handheld'`` (the default spec) and
        ``'strong'`` are the realistic benchmark with that camera
        (``CAMERA_PRESETS``); ``'legacy'`` is the first benchmark, bit for
        bit (64 x 64, static camera, procedural textures, rigid shapes).
        """
        if name == 'legacy':
            base = dict(LEGACY)
        elif name in CAMERA_PRESETS:
            base = dict(camera=CAMERA_PRESETS[name])
        else:
            raise ValueError(f'preset {name!r}: choose from {PRESETS}.')
        return cls(**{**base, **overrides})

    def encoder_options(self) -> dict:
        """PyAV encoder options of ``write_video`` for this spec.

        x264's macroblock-tree rate control is off (``mbtree=0``): with it,
        the same frames encoded again gave a different file one time in two or
        three on a 2-core x86-64 machine (PyAV 18.1's x264), and a seed did not
        fix the data set; without it the files are the same on every run and
        for any number of workers (tests/test_synthetic_motion.py).
        """
        if self.suffix != '.mp4':
            return {}
        options = {'x264-params': 'mbtree=0'}
        if self.crf is not None:
            options['crf'] = str(self.crf)
        if self.bitrate is not None:
            options['b'] = str(self.bitrate)
        if self.bframes is not None:
            options['bf'] = str(self.bframes)
        return options

    def replace(self, **changes) -> 'MotionDatasetSpec':
        """A copy with ``changes`` (``dataclasses.replace``)."""
        return replace(self, **changes)


@dataclass
class RenderedVideo:
    """One rendered video and its ground truth.

    Attributes:
        frames: ``(T, H, W, 3)`` uint8 RGB, before encoding.
        path: ``(T, 2)`` target position, x and y in world pixels, unwrapped
            (realistic: its centre; legacy: its top-left corner in the frame).
        view_path: ``(T, 2)`` the target's centre in view pixels, of the copy
            nearest the view's centre.
        camera: ``(T, 2, 3)`` affine maps from view to world pixels.
        distractor_paths: each distractor's ``(T, 2)`` centre, world pixels.
    """

    frames: np.ndarray
    path: np.ndarray
    view_path: np.ndarray
    camera: np.ndarray
    distractor_paths: List[np.ndarray]


def _class_motion(spec: MotionDatasetSpec,
                  label: int) -> Tuple[np.ndarray, str]:
    """The unit direction vector and dynamics of class ``label``."""
    direction_name, dynamics = spec.classes[label].rsplit('_', 1)
    direction = np.array(DIRECTIONS[direction_name], np.float32)
    return direction / np.linalg.norm(direction), dynamics


def _covered(spec: MotionDatasetSpec, dynamics: str,
             travel: float) -> np.ndarray:
    """Distance covered by each frame: linear or quadratic in time."""
    t = np.arange(spec.num_frames, dtype=np.float32)
    fraction = t / (spec.num_frames - 1)
    return travel * (fraction if dynamics == 'constant' else fraction**2)


def render_scene(rng: np.random.Generator, spec: MotionDatasetSpec,
                 label: int) -> RenderedVideo:
    """One video of class ``label``, with its ground truth."""
    if spec.renderer == 'legacy':
        return _render_legacy(rng, spec, label)
    height, width = spec.size
    side = min(height, width)
    frames_n = spec.num_frames
    if spec.texture_source == 'photos':
        load_photos()  # fail before drawing anything

    # three streams: the camera's draws do not change the scene's, so every
    # rung of the camera ladder films the same scene from the same seed
    camera_rng, rng, noise_rng = (np.random.default_rng(seed) for seed in
                                  rng.integers(2**63, size=3))

    def draw_texture(h: int, w: int) -> np.ndarray:
        return texture(rng, spec.texture_source, h, w)

    camera = camera_path(camera_rng, spec.camera, frames_n, spec.size)
    origin, extent = view_bounds(camera, spec.size)
    background = world_texture(rng, spec.texture_source,
                               spec.size).canvas(origin, extent)

    def draw_object() -> Mover:
        size = rng.uniform(*spec.object_size) * side
        return draw_mover(rng, spec.movers, size, spec.deformation,
                          draw_texture)

    # the target: on a torus of the view's size (at the camera's widest
    # zoom), start uniform on it: a static view always shows one object's
    # worth of it (whole, or cut at one edge and coming in at the other)
    target = draw_object()
    widest = np.sqrt(np.abs(np.linalg.det(camera[:, :, :2]))).max()
    period = np.ceil(np.array([width, height]) * widest)
    direction, dynamics = _class_motion(spec, label)
    travel = rng.uniform(*spec.travel) * side
    view_centre = np.array([(width - 1) / 2, (height - 1) / 2])
    start = view_centre + rng.uniform(-0.5, 0.5, 2) * period
    path = start + direction * _covered(spec, dynamics, travel)[:, None]

    # distractors: around the view, each with its own drift and wander
    others, other_paths = [], []
    time = np.linspace(0.0, 1.0, frames_n)[:, None]
    for _ in range(rng.integers(spec.distractors[0], spec.distractors[1] + 1)):
        mover = draw_object()
        centre = view_centre + rng.uniform(-0.5, 0.5, 2) * [width, height]
        angle = rng.uniform(0, 2 * np.pi)
        drift = rng.uniform(0, spec.distractor_motion) * side
        wander = smooth_noise(rng, frames_n, 4.0, 2).cumsum(axis=0)
        wander *= 0.25 * spec.distractor_motion * side / np.sqrt(frames_n)
        others.append(mover)
        other_paths.append(centre + drift * time * np.array(
            [np.cos(angle), np.sin(angle)]) + wander)
    depth = rng.integers(len(others) + 1)  # the target's place among them

    if spec.frozen_camera:  # the scene is drawn: hold the mid-video pose
        camera = np.repeat(camera[frames_n // 2][None], frames_n, axis=0)
    gain = np.exp(spec.flicker * np.sqrt(0.5) * (
        smooth_noise(rng, frames_n, 2.0)[:, 0]
        + rng.standard_normal(frames_n)))
    to_canvas = camera.copy()
    to_canvas[:, :, 2] -= origin
    views = np.empty((frames_n, height, width, 3), np.float32)
    for t in range(frames_n):
        canvas = background.copy()
        for index, (mover, centres) in enumerate(zip(others, other_paths)):
            if index == depth:
                _draw_copies(canvas, target, t, path[t] - origin, period)
            top, left, rgba = mover.sprite(t, centres[t] - origin)
            blend(canvas, top, left, rgba)
        if depth == len(others):
            _draw_copies(canvas, target, t, path[t] - origin, period)
        views[t] = cv2.warpAffine(
            canvas, to_canvas[t], (width, height),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_REFLECT101)
    views *= gain[:, None, None, None].astype(np.float32)
    if spec.noise:
        views += spec.noise * noise_rng.standard_normal(views.shape,
                                                        np.float32)
    frames = np.clip(np.rint(views), 0, 255).astype(np.uint8)

    centre_world = apply(camera, np.broadcast_to(view_centre,
                                                 (frames_n, 1, 2)))[:, 0]
    nearest = path + period * np.round((centre_world - path) / period)
    view_path = apply(invert(camera), nearest[:, None])[:, 0]
    return RenderedVideo(frames, path, view_path, camera, other_paths)


def _draw_copies(canvas: np.ndarray, mover: Mover, t: int,
                 centre: np.ndarray, period: np.ndarray) -> None:
    """Blend the target's copies ``centre + k * period`` that reach the
    canvas."""
    top, left, rgba = mover.sprite(t, centre)
    corner = np.array([left, top])
    extent = np.array(canvas.shape[1::-1])
    low = np.ceil((-mover.grid - corner) / period).astype(int)
    high = np.floor((extent - 1 - corner) / period).astype(int)
    for kx in range(low[0], high[0] + 1):
        for ky in range(low[1], high[1] + 1):
            blend(canvas, top + ky * int(period[1]),
                  left + kx * int(period[0]), rgba)


def render_video(rng: np.random.Generator, spec: MotionDatasetSpec,
                 label: int) -> Tuple[np.ndarray, np.ndarray]:
    """One video of class ``label``: ``(num_frames, H, W, 3)`` uint8 frames
    and the ``(num_frames, 2)`` x, y position of the target (see
    ``RenderedVideo.path``)."""
    video = render_scene(rng, spec, label)
    return video.frames, video.path


def _legacy_shape_mask(rng: np.random.Generator, side: int) -> np.ndarray:
    """A random ``(side, side)`` boolean shape (the first benchmark's)."""
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


def _render_legacy(rng: np.random.Generator, spec: MotionDatasetSpec,
                   label: int) -> RenderedVideo:
    """The first benchmark's renderer, draw for draw: static distractors, a
    rigid shape whose whole path stays inside the frame (so its position
    tells its direction), no camera motion."""
    height, width = spec.size
    sizes = tuple(int(round(f * min(height, width))) for f in spec.object_size)
    background = procedural_texture(rng, height, width)
    others = []
    for _ in range(rng.integers(spec.distractors[0], spec.distractors[1] + 1)):
        side = int(rng.integers(*sizes))
        mask = _legacy_shape_mask(rng, side)
        colour = procedural_texture(rng, side, side)
        top, left = rng.uniform(0, height - side), rng.uniform(0, width - side)
        _paste(background, mask, colour, top, left)
        others.append(np.tile([round(left) + side / 2, round(top) + side / 2],
                              (spec.num_frames, 1)))

    direction, dynamics = _class_motion(spec, label)
    side = int(rng.integers(*sizes))
    mask = _legacy_shape_mask(rng, side)
    colour = procedural_texture(rng, side, side)

    # at most what fits in the frame along the direction
    room = min((height, width)[1 - axis] - side
               for axis in range(2) if direction[axis]) / np.abs(direction).max()
    travel = min(rng.uniform(*spec.travel) * min(height, width), room)
    covered = _covered(spec, dynamics, travel)
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
        _paste(canvas, mask, colour, y, x)
        view = canvas + rng.normal(0, spec.noise, canvas.shape)
        frames[i] = np.clip(view, 0, 255).astype(np.uint8)
    camera = np.broadcast_to(np.array([[1.0, 0, 0], [0, 1, 0]]),
                             (spec.num_frames, 2, 3)).copy()
    return RenderedVideo(frames, path, path + side / 2, camera, others)


def _write_one(root: Path, spec: MotionDatasetSpec, seed: int,
               write_camera: bool, split_index: int, index: int,
               name: str) -> None:
    """Render and encode one video (in a worker process, or not)."""
    rng = np.random.default_rng([seed, split_index, index])
    label = index % len(spec.classes)
    video = render_scene(rng, spec, label)
    path = root / 'videos' / name
    write_video(path, video.frames, **spec.encoder_options())
    if write_camera:
        np.save(camera_file(path), np.asarray(video.camera, np.float64),
                allow_pickle=False)


def generate_motion_dataset(root: Path, spec: MotionDatasetSpec, seed: int = 0,
                            progress: Optional[Callable[[int, int], None]] = None,
                            workers: int = 1, write_camera: bool = False
                            ) -> Path:
    """Write the train and test videos and their annotation files under ``root``.

    Writes ``root/videos/<split>/<class>/<i>.<suffix>``,
    ``root/{train,test}_videos.txt`` (VideoDataset lists, paths relative to
    ``root/videos``) and ``root/label_map.txt``.

    Args:
        progress: called with (videos done, total) after each video.
        workers: processes that render and encode (forked; each video has its
            own generator, so the files are the same for any number).
        write_camera: also write each video's camera (``RenderedVideo.camera``,
            view to world pixels) beside it, ``<i>.camera.npy``, for
            ``LoadCameraMotion`` (the videos are the same either way).

    Returns:
        ``root``.
    """
    root = Path(root)
    if spec.renderer == 'realistic' and spec.texture_source == 'photos':
        load_photos()  # a missing scikit-image fails before any file
    jobs, lists = [], {}
    for split_index, (split, per_class) in enumerate(
            (('train', spec.train_per_class), ('test', spec.test_per_class))):
        lists[split] = []
        for i in range(per_class * len(spec.classes)):
            label = i % len(spec.classes)
            name = f'{split}/{spec.classes[label]}/{i:05d}{spec.suffix}'
            jobs.append((split_index, i, name))
            lists[split].append((name, label))
    if workers > 1:
        context = multiprocessing.get_context('fork')
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [pool.submit(_write_one, root, spec, seed, write_camera,
                                   *job)
                       for job in jobs]
            for done, future in enumerate(as_completed(futures), 1):
                future.result()
                if progress is not None:
                    progress(done, len(jobs))
    else:
        for done, job in enumerate(jobs, 1):
            _write_one(root, spec, seed, write_camera, *job)
            if progress is not None:
                progress(done, len(jobs))
    for split, videos in lists.items():
        write_video_list(root / f'{split}_videos.txt', videos)
    write_lines(root / 'label_map.txt', spec.classes)
    return root
