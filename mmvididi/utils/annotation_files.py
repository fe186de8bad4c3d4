"""MMAction2's VideoDataset annotation files: ``<video path> <label>`` a line.

Written by the data preparation tools (:mod:`mmvididi.data_preparation`), read
and checked by ``SkipBrokenVideoDataset``; a malformed line of any annotation or
official split file is a :class:`SplitFileError` that names ``file:line``.
"""
from pathlib import Path
from typing import List, Sequence, Tuple, Union

PathLike = Union[str, Path]
#: (video path relative to the video root, label); label -1 when unlabelled.
VideoList = List[Tuple[str, int]]


class SplitFileError(ValueError):
    """A line of an official split or annotation file is malformed."""

    def __init__(self, path: PathLike, line_no: int, message: str) -> None:
        super().__init__(f'{path}:{line_no}: {message}')


def write_video_list(path: PathLike, videos: VideoList) -> Path:
    """Write a VideoDataset annotation file: ``<path> <label>`` a line."""
    return write_lines(path, [f'{video} {label}' for video, label in videos])


def write_lines(path: PathLike, lines: Sequence[str]) -> Path:
    """Write one string a line, e.g. a label map: class names in label order."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(''.join(f'{line}\n' for line in lines))
    return path
