"""Realistic test footage: encoded like real datasets, every frame telling.

A frame of the footage is a window onto a large smooth random texture that
the camera pans over along a path that never repeats, with sensor noise, and
with the frame's own index stamped in its top row as an 11-bit barcode of
black and white blocks. So a wrong frame shows twice: its pixels differ from
the frame asked for (pan and noise), and :func:`stamped_index` reads which
frame it is (the blocks survive lossy coding), whatever the decoder's colour
conversion.

The kinds in ``KINDS`` have the properties of real data that break decoders:
Xvid AVI with B-frames (UCF101, HMDB51), H.264 MP4 with B-frames (Kinetics),
with open GOPs, VP9 in MKV, variable frame rate, long (1,200 frames) and large
(1280 x 720). Each is as small as its property allows (CI time): short GOPs
so that a clip crosses keyframes, long videos at 64 x 48, the large one 16
frames. Files are encoded once per process (:func:`footage`, cached).
"""
import atexit
import functools
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional, Tuple

import numpy as np

BITS = 11  # frame indices up to 2047
ROOT = Path(__file__).parents[1]
#: write_video without importing the mmvididi package (and MMAction2)
ENCODE = """
import importlib.util, json, sys
import numpy as np
spec = importlib.util.spec_from_file_location(
    'video_io', 'mmvididi/utils/video_io.py')
video_io = importlib.util.module_from_spec(spec)
spec.loader.exec_module(video_io)
path, args = sys.argv[1], json.loads(sys.argv[2])
frames = np.load(path.rsplit('.', 1)[0] + '.npy')
video_io.write_video(path, frames, codec=args['codec'],
                     pix_fmt=args['pix_fmt'], timestamps=args['timestamps'],
                     **args['options'])
"""


@dataclass(frozen=True)
class Kind:
    """How one test video is made."""
    suffix: str
    num_frames: int
    size: Tuple[int, int]  # height, width
    options: Dict[str, str] = field(default_factory=dict)
    codec: Optional[str] = None
    pix_fmt: Optional[str] = None
    variable_rate: bool = False


KINDS: Dict[str, Kind] = {
    # UCF101 / HMDB51: Xvid (MPEG-4 Part 2) with B-frames; FFmpeg's encoder
    # makes open GOPs, as Xvid does
    'xvid_bframes_avi': Kind('.avi', 90, (96, 128), dict(bf='2', g='24')),
    'xvid_avi': Kind('.avi', 60, (96, 128), dict(g='24')),
    # Kinetics: H.264 with B-frames (closed GOPs), and with open GOPs
    'h264_bframes_mp4': Kind('.mp4', 90, (96, 128), dict(bf='3', g='24')),
    'h264_open_gop_mp4': Kind('.mp4', 90, (96, 128), dict(
        bf='3', x264opts='open-gop=1:keyint=24')),
    'vp9_mkv': Kind('.mkv', 90, (96, 128), dict(
        g='24', deadline='realtime', **{'cpu-used': '8'}),
        codec='libvpx-vp9', pix_fmt='yuv420p'),
    'h264_variable_rate_mp4': Kind('.mp4', 90, (96, 128), dict(
        bf='3', g='24'), variable_rate=True),
    'long_xvid_avi': Kind('.avi', 1200, (48, 64), dict(bf='2', g='100')),
    'long_h264_mp4': Kind('.mp4', 1200, (48, 64), dict(bf='3', g='100')),
    'large_h264_mp4': Kind('.mp4', 16, (720, 1280), dict(
        bf='3', g='6', preset='veryfast')),
}


def realistic_frames(num_frames: int, height: int, width: int,
                     seed: int = 0) -> np.ndarray:
    """``T x H x W x 3`` uint8 frames: camera pan over a smooth texture,
    noise, and the frame index stamped as a barcode (:func:`stamped_index`)."""
    rng = np.random.default_rng(seed)
    margin_y, margin_x = height // 2, width // 2
    texture = np.zeros((height + margin_y, width + margin_x, 3), np.float32)
    for scale in (4, 16, 64):  # smooth at several scales, like a scene
        cells = rng.normal(0, 1, ((height + margin_y) // scale + 2,
                                  (width + margin_x) // scale + 2, 3))
        texture += np.kron(cells, np.ones((scale, scale, 1)))[
            :height + margin_y, :width + margin_x] * scale ** 0.5
    texture = (texture - texture.min()) / np.ptp(texture) * 200 + 28
    t = np.arange(num_frames)
    ys = (margin_y / 2 * (1 + np.sin(2 * np.pi * t / 97))).astype(int)
    xs = (margin_x / 2 * (1 + np.sin(2 * np.pi * t / 61 + 1))).astype(int)
    block = block_size(height, width)
    frames = np.empty((num_frames, height, width, 3), np.uint8)
    for i in range(num_frames):
        frame = texture[ys[i]:ys[i] + height, xs[i]:xs[i] + width] + \
            rng.integers(-6, 7, (height, width, 3))
        for bit in range(BITS):
            frame[:block, bit * block:(bit + 1) * block] = \
                255 if (i >> bit) & 1 else 0
        frames[i] = np.clip(frame, 0, 255)
    return frames


def block_size(height: int, width: int) -> int:
    return max(4, min(height // 8, width // (BITS + 1)))


def stamped_index(frame: np.ndarray) -> int:
    """The frame index stamped by :func:`realistic_frames` in ``frame``."""
    block = block_size(*frame.shape[:2])
    m = block // 4  # read the centre of a block: its edges blur in coding
    means = [frame[m:block - m, bit * block + m:(bit + 1) * block - m].mean()
             for bit in range(BITS)]
    return sum(1 << bit for bit, mean in enumerate(means) if mean > 127)


_ROOT: Optional[Path] = None


def _root() -> Path:
    global _ROOT
    if _ROOT is None:
        _ROOT = Path(tempfile.mkdtemp(prefix='mmvididi_footage_'))
        atexit.register(shutil.rmtree, _ROOT, True)
    return _ROOT


@functools.lru_cache(maxsize=None)
def footage(name: str) -> Path:
    """The video of kind ``name`` (``KINDS``), encoded once per process."""
    kind = KINDS[name]
    frames = realistic_frames(kind.num_frames, *kind.size,
                              seed=sorted(KINDS).index(name))
    timestamps = None
    if kind.variable_rate:  # 1 to 3 ticks of 1/50 s a frame, irregularly
        steps = np.random.default_rng(1).integers(1, 4, kind.num_frames)
        timestamps = (np.cumsum(steps) - steps[0]) / 50
    path = _root() / f'{name}{kind.suffix}'
    np.save(path.with_suffix('.npy'), frames)
    # encode in a fresh process: decord, once imported, breaks PyAV's libvpx
    # (VP9) encoder (each bundles its own), and other tests import decord
    subprocess.run([sys.executable, '-c', ENCODE, str(path), json.dumps(dict(
        codec=kind.codec, pix_fmt=kind.pix_fmt, options=kind.options,
        timestamps=None if timestamps is None else timestamps.tolist()))],
        check=True, cwd=ROOT)
    path.with_suffix('.npy').unlink()
    return path


@functools.lru_cache(maxsize=None)
def pyav_reference(path: Path) -> np.ndarray:
    """Every frame of ``path`` in one sequential PyAV decode (read-only)."""
    import av
    with av.open(str(path)) as container:
        frames = np.stack([f.to_ndarray(format='rgb24')
                           for f in container.decode(video=0)])
    frames.flags.writeable = False
    return frames
