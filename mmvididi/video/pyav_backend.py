"""PyAV backend: seek to the keyframe before a clip, decode forward from it."""
from typing import Dict, Iterator, List, Optional, Tuple

import numpy as np

from mmvididi.video.base import Video, VideoDecodeError, register_backend
from mmvididi.video.stream_index import StreamIndex, cached_scan, scan_stream

#: Decodes started for one frame: from the keyframe before it, then (if the
#: seek landed after the frame) from the keyframe before that one.
MAX_STARTS = 2


def decoded_frames(container, stream, wanted: List[Optional[set]]) -> Iterator:
    """Frames of ``stream`` from the container's position. A packet whose pts
    is not in ``wanted[0]`` is decoded with ``skip_frame='NONREF'``: if no
    other frame refers to it (most B-frames), FFmpeg skips it, which halves the
    work of decoding forward from a keyframe; the frames asked for and those
    they refer to decode in full. (A function, not a method: the generator
    must not hold the video, so that the video is freed at once.)"""
    codec = stream.codec_context
    for packet in container.demux(stream):
        codec.skip_frame = 'DEFAULT' if wanted[0] is None or \
            packet.pts is None or packet.pts in wanted[0] else 'NONREF'
        yield from codec.decode(packet)
    codec.skip_frame = 'DEFAULT'


@register_backend('pyav')
class PyAVVideo(Video):
    """A video decoded by PyAV (FFmpeg, bundled in its wheels).

    Opening demuxes every packet once (no decoding) into a
    :class:`StreamIndex`: the pts of each frame and of each keyframe. A
    request for frames seeks to the last keyframe shown at or before the first
    frame asked for and decodes forward, keeping the frames whose pts are
    asked for; a later frame reachable without passing another keyframe is
    decoded on from there (the two views of a short video cost one pass).
    FFmpeg reorders B-frames itself, and a frame is identified by its pts, so
    the result equals a full sequential decode: on AVI with B-frames, H.264
    with B-frames and open GOPs, VP9, and variable frame rates
    (``tests/test_decoders.py``). Should a seek land after the frame asked
    for, the request decodes from an earlier keyframe, at worst from the
    start. A stream without usable pts is decoded forward from the start and
    its frames counted.

    Only the frames asked for are converted to RGB, by one reused converter.
    The container stays open between the requests of one sample (the views)
    and closes with the object or at :meth:`close`; no decoded frame is kept.

    Args:
        filename: the video file.
        num_threads: FFmpeg decoding threads (per dataloader worker); 1 by
            default, 0 lets FFmpeg choose.
    """

    def __init__(self, filename: str, num_threads: int = 1) -> None:
        import av
        super().__init__(filename, num_threads)
        try:
            self._container = av.open(self.filename)
            self._stream = self._container.streams.video[0]
            self.index: StreamIndex = cached_scan(
                self.filename,
                lambda: scan_stream(self._container, self._stream))
        except (av.error.FFmpegError, IndexError, UnicodeDecodeError) as error:
            self.close()
            raise VideoDecodeError(f'video {self.filename} cannot be decoded '
                                   f'({error}); re-encode or remove it.') \
                from None
        if len(self.index) == 0:
            self.close()
            raise VideoDecodeError(f'video {self.filename} has no decodable '
                                   'frame; re-encode or remove it.')
        codec = self._stream.codec_context
        codec.thread_count = num_threads
        if num_threads != 1:
            codec.thread_type = 'AUTO'
        self.num_frames = len(self.index)
        self.fps = self.index.fps
        reason = self.index.missing_frames_reason()
        if reason:
            self.mark_partial(reason)
        self._frames: Optional[Iterator] = None  # the decoder, after a seek
        self._last: Optional[int] = None  # pts of the last frame it gave
        self._ended = False  # it reached the end of the stream
        self._request = self._pass = 0  # requests; the one that seeked
        # [pts decoded in full (others may be skipped), or None: all]
        self._wanted: List[Optional[set]] = [None]
        self._rgb = av.video.reformatter.VideoReformatter()

    def close(self) -> None:
        container = getattr(self, '_container', None)
        if container is not None:
            self._frames = None
            container.close()
            self._container = None

    def _start(self, key: Optional[int]) -> None:
        """Decode from the keyframe at pts ``key`` (None: the start)."""
        if self._container is None:
            raise VideoDecodeError(f'video {self.filename} is closed.')
        if key is None or key <= self.index.key_pts[0]:
            self._container.seek(0, backward=True, any_frame=False)
        else:
            self._container.seek(key, stream=self._stream, backward=True,
                                 any_frame=False)
        self._frames = decoded_frames(self._container, self._stream,
                                      self._wanted)
        self._pass = self._request
        self._last = None
        self._ended = False

    def _next_frame(self):
        """The next decoded frame, or None at the end (or a decode error,
        recorded as partial)."""
        import av
        try:
            frame = next(self._frames)
        except StopIteration:
            frame = None
            self._ended = True
        except av.error.FFmpegError as error:
            after = '' if self._last is None else f' after pts {self._last}'
            self.mark_partial(f'decode error{after}: {error}')
            frame = None
        if frame is None:
            self._frames = None
        return frame

    def _rgb_array(self, frame) -> np.ndarray:
        return self._rgb.reformat(frame, format='rgb24').to_ndarray()

    def _decode(self, wanted: np.ndarray) -> Dict[int, np.ndarray]:
        if not self.index.seekable:
            return self._decode_counting(wanted)
        index, targets = self.index, self.index.pts[wanted]
        self._wanted[0] = set(targets.tolist())
        self._request += 1
        found: Dict[int, np.ndarray] = {}
        starts: Dict[int, int] = {}  # decodes started for a target
        i = 0
        while i < len(targets):
            target = int(targets[i])
            key = index.keyframe_before(target)
            if not (self._frames is not None and self._last is not None
                    and self._last < target
                    and (key is None or key <= self._last)):
                tries = starts.get(i, 0)
                if tries == MAX_STARTS:
                    i += 1  # lost: decoding never reached it
                    continue
                for _ in range(tries):  # a retry starts a keyframe earlier
                    key = None if key is None else index.keyframe_before(
                        key - 1)
                starts[i] = tries + 1
                self._start(key)
            i, ended = self._decode_forward(wanted, targets, i, found)
            if ended:  # the stream ended: nothing later decodes
                break
        return found

    def _decode_forward(self, wanted: np.ndarray, targets: np.ndarray, i: int,
                        found: Dict[int, np.ndarray]) -> Tuple[int, bool]:
        """Decode on from the current position, keeping the frames at
        ``targets[i:]``; stop where the next one is better reached by a seek.
        Returns the next target and whether the stream ended."""
        fresh = self._last is None
        while i < len(targets):
            frame = self._next_frame()
            if frame is None:  # the end, or a decode error
                if self._pass != self._request:
                    return i, False  # decode again from a seek, to be sure
                return i + (not self._ended), self._ended
            pts = frame.pts
            if fresh and (pts is None or pts > targets[i]):
                return i, False  # the seek landed after the frame: retry
            fresh = False
            if pts is None:
                continue  # not identifiable (none of ours): not asked for
            self._last = pts
            while i < len(targets) and targets[i] < pts:
                if self._pass != self._request:
                    # decoded on from an earlier request, whose skip_frame
                    # may have skipped this frame: decode it again
                    return i, False
                i += 1  # not given by the decoder: lost
            if i < len(targets) and targets[i] == pts:
                found[int(wanted[i])] = self._rgb_array(frame)
                i += 1
            if i < len(targets):
                key = self.index.keyframe_before(int(targets[i]))
                if key is not None and key > pts:
                    return i, False  # a keyframe nearer the next frame
        return i, False

    def _decode_counting(self, wanted: np.ndarray) -> Dict[int, np.ndarray]:
        """Decode forward from the start, frame ``i`` the ``i``-th output."""
        self._wanted[0] = None  # counting: every frame must come out
        self._start(None)
        found: Dict[int, np.ndarray] = {}
        wanted_set = set(wanted.tolist())
        last = int(wanted[-1])
        for position in range(last + 1):
            frame = self._next_frame()
            if frame is None:
                break
            if position in wanted_set:
                found[position] = self._rgb_array(frame)
        self._frames = None
        return found
