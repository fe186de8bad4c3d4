"""Video: one opened video file, whatever decodes it."""
from abc import ABCMeta, abstractmethod
from typing import Callable, Dict, List, Optional, Sequence, Type

import numpy as np

from mmvididi.video import memory

#: Backend names and their classes (filled by :func:`register_backend`).
BACKENDS: Dict[str, Type['Video']] = {}


def register_backend(name: str) -> Callable[[Type['Video']], Type['Video']]:
    """Class decorator: make a :class:`Video` subclass the backend ``name``."""

    def register(cls: Type['Video']) -> Type['Video']:
        if name in BACKENDS:
            raise KeyError(f'video backend {name!r} is already registered '
                           f'({BACKENDS[name].__name__}).')
        BACKENDS[name] = cls
        cls.backend = name
        return cls

    return register


class VideoDecodeError(ValueError):
    """A video that cannot be opened or holds no decodable frame."""


class Video(metaclass=ABCMeta):
    """An opened video: frames by index, exactly, and what went wrong.

    Frame ``i`` is the ``i``-th frame of a full sequential decode of the file.
    A backend decodes the frames asked for (:meth:`_decode`); this class turns
    any index into one that exists: indices past the last decodable frame
    become that frame (AVI headers may claim one frame more than the file
    holds), and a frame that fails to decode becomes the nearest earlier one
    that decoded.

    The object holds at most one open decoder (container, codec) and no
    decoded frame between requests; it is freed, with its decoder, when the
    last reference to it goes (the sample's ``results``), or at
    :meth:`close`.

    Attributes:
        filename: the file.
        num_frames: frames in the file (counted from its packets, not taken
            from the header).
        fps: average frame rate.
        partial: None, or a one-line reason when the video decodes only in
            part (a truncated file, a decode error mid-stream); the dataset
            lists such videos in ``bad_videos.txt`` and keeps training on what
            decodes.
        backend: the registered backend name.
    """

    backend: str = ''

    def __init__(self, filename: str, num_threads: int = 1) -> None:
        if num_threads < 0:
            raise ValueError(f'num_threads={num_threads} must be >= 0 '
                             '(0: as many as FFmpeg picks).')
        self.filename = str(filename)
        self.num_threads = num_threads
        self.num_frames = 0
        self.fps = 0.0
        self.partial: Optional[str] = None

    def __len__(self) -> int:
        return self.num_frames

    def mark_partial(self, reason: str) -> None:
        """Record the first reason the video decodes only in part."""
        if self.partial is None:
            self.partial = ' '.join(str(reason).split())

    def get_frames(self, indices: Sequence[int]) -> List[np.ndarray]:
        """RGB ``H x W x 3`` uint8 frames at ``indices`` (any order, repeats
        allowed), in the order asked for.

        Raises:
            VideoDecodeError: if none of the frames asked for decodes.
        """
        inds = np.clip(np.asarray(indices, dtype=np.int64).reshape(-1), 0,
                       max(self.num_frames - 1, 0))
        if inds.size == 0:
            return []
        wanted = np.unique(inds)
        frames = self._decode(wanted)
        if not frames:
            self.mark_partial(f'none of frames {wanted[0]}..{wanted[-1]} '
                              'decodes')
            raise VideoDecodeError(
                f'video {self.filename}: none of the frames asked for '
                f'({wanted[0]}..{wanted[-1]}) could be decoded; re-encode or '
                'remove it.')
        memory.note_decoded(sum(frame.nbytes for frame in frames.values()))
        found = np.array(sorted(frames))
        if len(found) < len(wanted):
            lost = sorted(set(wanted.tolist()) - set(found.tolist()))
            self.mark_partial(f'frames {lost[0]}..{lost[-1]} of '
                              f'{self.num_frames} do not decode')
        nearest = found[np.maximum(
            np.searchsorted(found, inds, side='right') - 1, 0)]
        return [frames[int(i)] for i in nearest]

    @abstractmethod
    def _decode(self, wanted: np.ndarray) -> Dict[int, np.ndarray]:
        """The frames at the sorted unique in-range indices ``wanted`` that
        decode, by index; record what goes wrong with :meth:`mark_partial`."""

    def close(self) -> None:
        """Free the decoder now (it is also freed with the object)."""

    def __del__(self) -> None:
        # A backend's decoder can sit in reference cycles of its own (PyAV's
        # container and its streams refer to each other), which reference
        # counting never frees: left to the garbage collector, a worker's
        # decoders and their frame buffers pile up between its rare full
        # collections. Closing breaks them when the video goes; then what
        # decoding freed goes back to the system (mmvididi.video.memory).
        self.close()
        memory.release_freed()

    def __enter__(self) -> 'Video':
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}({self.filename!r}, '
                f'num_frames={self.num_frames}, partial={self.partial!r})')


def open_video(filename: str, backend: str = 'pyav',
               num_threads: int = 1) -> Video:
    """Open ``filename`` with the registered ``backend``.

    Raises:
        KeyError: an unknown backend.
        VideoDecodeError: a file the backend cannot open, or with no frame.
    """
    if backend not in BACKENDS:
        raise KeyError(f'unknown video backend {backend!r}; registered: '
                       f'{sorted(BACKENDS)}.')
    return BACKENDS[backend](filename, num_threads=num_threads)
