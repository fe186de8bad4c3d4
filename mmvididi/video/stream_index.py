"""StreamIndex: where every frame of a video stream is, from its packets."""
import os
from collections import OrderedDict
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Optional, Tuple

import numpy as np

#: Frames an AVI header may claim beyond those in the file without the video
#: being partial (the last "frame" of many Xvid AVIs is a placeholder).
HEADER_SLACK = 1
#: Frames of the indices one process keeps (:func:`cached_scan`; 8 bytes a
#: frame: 16 MB), least recently used first out.
INDEX_CACHE_FRAMES = 2_000_000


@dataclass(frozen=True)
class StreamIndex:
    """The frames of a video stream, read from its packets without decoding.

    Frame ``i`` of the video is the ``i``-th frame a full sequential decode
    outputs: the frame with the ``i``-th smallest presentation timestamp
    (``pts``). A decoded frame is identified by its pts, never by counting
    frames after a seek, so B-frames, open GOPs and variable frame rates
    cannot shift it.

    Attributes:
        pts: presentation timestamps of the frames, ascending (``int64``).
        key_pts: pts of the keyframes (where decoding can start), ascending.
        time_base: the unit of ``pts`` in seconds.
        fps: average frame rate (frames / s; from the header, or the pts).
        header_frames: the frame count the header claims (0: none).
        reordered: whether decode order differs from presentation order
            (B-frames).
        open_gop: whether a frame after a keyframe in decode order is shown
            before it (leading pictures of an open GOP).
        seekable: whether every packet has a distinct pts, so that frames can
            be found by pts after a seek; else a video is decoded forward from
            its start and its frames are counted.
    """

    pts: np.ndarray
    key_pts: np.ndarray
    time_base: Fraction
    fps: float
    header_frames: int
    reordered: bool
    open_gop: bool
    seekable: bool

    def __len__(self) -> int:
        return len(self.pts)

    def keyframe_before(self, pts: int) -> Optional[int]:
        """pts of the last keyframe shown at or before ``pts``; None if none
        is (decode from the start of the stream)."""
        i = int(np.searchsorted(self.key_pts, pts, side='right')) - 1
        return int(self.key_pts[i]) if i >= 0 else None

    def missing_frames_reason(self) -> Optional[str]:
        """A one-line reason if the header claims more frames than the file
        holds (beyond ``HEADER_SLACK``), else None."""
        if self.header_frames - len(self) > HEADER_SLACK:
            return (f'the header claims {self.header_frames} frames, the file '
                    f'holds {len(self)} (truncated?)')
        return None


def scan_stream(container, stream) -> StreamIndex:
    """Index ``stream`` of an open PyAV ``container`` by demuxing (not
    decoding) all its packets; the container is left at its end."""
    pts, keys, decode_order = [], [], []
    open_gop, last_key, first_key = False, None, True
    for packet in container.demux(stream):
        if packet.size == 0:  # the demuxer's flush packet, or an empty one
            continue
        if packet.pts is None:
            decode_order.append(None)
            continue
        pts.append(packet.pts)
        decode_order.append(packet.pts)
        if packet.is_keyframe:
            keys.append(packet.pts)
            first_key = last_key is None
            last_key = packet.pts
        elif last_key is not None and not first_key and packet.pts < last_key:
            open_gop = True
    sorted_pts = np.sort(np.asarray(pts, dtype=np.int64))
    seekable = (None not in decode_order and len(sorted_pts) > 0
                and bool(np.all(np.diff(sorted_pts) > 0)) and len(keys) > 0)
    known = [p for p in decode_order if p is not None]
    reordered = any(b < a for a, b in zip(known, known[1:]))
    if stream.average_rate:
        fps = float(stream.average_rate)
    elif len(sorted_pts) > 1 and stream.time_base:
        span = float((sorted_pts[-1] - sorted_pts[0]) * stream.time_base)
        fps = (len(sorted_pts) - 1) / span if span > 0 else 0.0
    else:
        fps = 0.0
    frame_pts = sorted_pts if seekable else np.arange(len(decode_order))
    key_pts = np.unique(np.asarray(keys, dtype=np.int64))
    for array in (frame_pts, key_pts):  # shared through the cache: read-only
        array.setflags(write=False)
    return StreamIndex(
        pts=frame_pts,
        key_pts=key_pts,
        time_base=stream.time_base or Fraction(1, 1),
        fps=fps,
        header_frames=int(stream.frames or 0),
        reordered=reordered,
        open_gop=open_gop,
        seekable=seekable)


def scan_file(filename: str) -> StreamIndex:
    """:func:`scan_stream` of the first video stream of ``filename``, through
    this process's cache (:func:`cached_scan`)."""

    def scan() -> StreamIndex:
        import av
        with av.open(filename) as container:
            return scan_stream(container, container.streams.video[0])

    return cached_scan(filename, scan)


FileKey = Tuple[str, int, int]
# this process's indices: FileKey -> StreamIndex, least recently used first
_CACHE: 'OrderedDict[FileKey, StreamIndex]' = OrderedDict()
_cached_frames = 0  # the frames of the indices in _CACHE


def file_key(filename: str) -> FileKey:
    """What identifies a file's content for the cache: its real path, size
    and modification time (ns); a file written again gets a new key."""
    stat = os.stat(filename)
    return os.path.realpath(filename), stat.st_size, stat.st_mtime_ns


def cached_scan(filename: str, scan: Callable[[], StreamIndex]) -> StreamIndex:
    """The index of ``filename``: from this process's cache, else ``scan()``'s,
    which is then kept.

    A video is opened once a sample (its views share the reader), but again for
    the next sample of it: the clips of a motion probe (7 a position), the
    next epoch. Its packets then need not be demuxed again (about 0.02 to
    0.05 ms a frame: 0.8 s for a 10-minute 640 x 480 H.264 video).
    Indices of at most ``INDEX_CACHE_FRAMES`` frames are kept, least recently
    used out first; a dataloader worker forked (not spawned) after the
    dataset counted its videos starts with their indices. A failed scan is
    not kept.
    """
    global _cached_frames
    key = file_key(filename)
    index = _CACHE.get(key)
    if index is not None:
        _CACHE.move_to_end(key)
        return index
    index = scan()
    _CACHE[key] = index
    _cached_frames += len(index)
    while _cached_frames > INDEX_CACHE_FRAMES and len(_CACHE) > 1:
        _, dropped = _CACHE.popitem(last=False)
        _cached_frames -= len(dropped)
    return index


def clear_index_cache() -> None:
    """Forget every cached index of this process."""
    global _cached_frames
    _CACHE.clear()
    _cached_frames = 0
