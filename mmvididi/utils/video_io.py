"""Write real encoded video files (PyAV), for the demo data and the tests."""
from fractions import Fraction
from pathlib import Path
from typing import Optional, Sequence, Union

import numpy as np

#: Codec and pixel format by container: .avi is MPEG-4 Part 2 as in UCF101 and
#: HMDB51 (Xvid); .mp4 is H.264 as in Kinetics; .mkv is FFV1 in RGB, lossless,
#: so that decoded frames equal the written ones bit for bit.
CODECS = {
    '.avi': ('mpeg4', 'yuv420p'),
    '.mp4': ('libx264', 'yuv420p'),
    '.mkv': ('ffv1', 'bgr0'),
}


def write_video(path: Union[str, Path], frames: np.ndarray, fps: int = 25,
                codec: Optional[str] = None, pix_fmt: Optional[str] = None,
                timestamps: Optional[Sequence[float]] = None,
                **options: str) -> Path:
    """Encode ``frames`` into a video file.

    Args:
        path: output file; its suffix picks codec and pixel format (``CODECS``).
        frames: ``(T, H, W, 3)`` uint8 RGB; H and W even for yuv420p.
        fps: frame rate.
        codec, pix_fmt: override the suffix's defaults.
        timestamps: each frame's presentation time in seconds, increasing,
            for a variable frame rate (in ms: use a container that keeps
            them, MP4 or MKV); None: ``1 / fps`` apart.
        **options: encoder options, e.g. ``bf='2'`` for B-frames.

    Returns:
        ``path`` as a Path.
    """
    import av  # optional at import time: only the demo and tests write videos

    path = Path(path)
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
        raise ValueError(f'write_video({path}): frames must be uint8 T x H x W '
                         f'x 3, got {frames.dtype} {frames.shape}.')
    default_codec, default_pix_fmt = CODECS.get(path.suffix.lower(),
                                                CODECS['.mp4'])
    if timestamps is not None and (
            len(timestamps) != len(frames)
            or np.any(np.diff(np.asarray(timestamps, dtype=float)) <= 0)):
        raise ValueError(f'write_video({path}): timestamps must give one '
                         'increasing time a frame.')
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), 'w') as container:
        stream = container.add_stream(codec or default_codec, rate=fps,
                                      options=options)
        stream.height, stream.width = frames.shape[1:3]
        stream.pix_fmt = pix_fmt or default_pix_fmt
        if timestamps is not None:
            stream.codec_context.time_base = Fraction(1, 1000)
        for i, frame in enumerate(frames):
            picture = av.VideoFrame.from_ndarray(frame, format='rgb24')
            if timestamps is not None:
                picture.pts = int(round(timestamps[i] * 1000))
                picture.time_base = Fraction(1, 1000)
            container.mux(stream.encode(picture))
        container.mux(stream.encode())
    return path
