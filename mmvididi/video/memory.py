"""Give back to the system the memory that decoding freed.

glibc's ``malloc`` keeps what a program frees for later allocations, and a
dataloader worker that decodes large frames sample after sample (FFmpeg's
buffers, the RGB frames, resized copies) leaves its heap so fragmented that
little of it is reused: the worker's resident memory creeps up although
nothing stays allocated (docs/benchmarks.md, "Worker memory": +21 % over
2,000 samples of long 640 x 480 and 1280 x 720 videos, flat with
``malloc_trim(0)`` after each sample). ``malloc_trim(0)`` returns the free
pages to the system. It walks the heap (milliseconds), so it runs once every
:data:`TRIM_EVERY_BYTES` of decoded frames, not after every video: after each
sample of 1280 x 720 clips, after about every eighth of 320 x 240 ones.
Elsewhere than glibc (macOS, musl) this does nothing.
"""
import ctypes
import time
from typing import Callable, Optional, Tuple

#: decoded RGB bytes between two trims
TRIM_EVERY_BYTES = 64 * 2**20


def _glibc_trim() -> Optional[Callable[[int], int]]:
    """glibc's ``malloc_trim``, or None where the C library has none."""
    try:  # the symbols the process has loaded, libc's among them
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc
        return None


_MALLOC_TRIM = _glibc_trim()
_decoded = 0  # bytes decoded since the last trim
_trims, _trim_seconds = 0, 0.0  # in this process


def note_decoded(nbytes: int) -> None:
    """Count ``nbytes`` of frames just decoded (see :func:`release_freed`)."""
    global _decoded
    _decoded += nbytes


def release_freed(force: bool = False) -> bool:
    """``malloc_trim(0)`` if :data:`TRIM_EVERY_BYTES` were decoded since the
    last one (or ``force``); whether it ran."""
    global _decoded, _trims, _trim_seconds
    if _MALLOC_TRIM is None or not (force or _decoded >= TRIM_EVERY_BYTES):
        return False
    _decoded = 0
    start = time.perf_counter()
    _MALLOC_TRIM(0)
    _trims += 1
    _trim_seconds += time.perf_counter() - start
    return True


def trim_stats() -> Tuple[int, float]:
    """Trims run in this process, and the seconds they took."""
    return _trims, _trim_seconds
