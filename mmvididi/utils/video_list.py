"""The videos a tool is pointed at: a folder of video files, or a text file
that lists them one a line.

A list line is ``<path>`` or MMAction2's ``<path> <label>`` (an integer label,
ignored here; a path may contain spaces when no label follows it, or when the
label is the last field). Blank lines and lines that start with ``#`` are
skipped. Relative paths are taken from the ``root`` the caller gives.

The training datasets read MMAction2's annotation files with their own,
stricter rules (labels required where the task has them); this module is for
the tools that only need the videos.
"""
from pathlib import Path
from typing import List, NamedTuple, Optional

#: The file endings that count as videos in a folder.
VIDEO_SUFFIXES = ('.avi', '.mp4', '.mkv', '.webm', '.mov', '.m4v', '.mpg',
                  '.mpeg', '.flv', '.wmv')


class VideoListError(ValueError):
    """A folder or list the user gave that names no video to read."""


class VideoList(NamedTuple):
    """The videos of a folder or list, in its order."""
    #: as listed (or relative to the folder): what an output names them by
    names: List[str]
    #: what to open: ``root / name`` for a list, the file for a folder
    paths: List[str]


def list_line_path(line: str) -> Optional[str]:
    """The video path of one list line; None for a blank or ``#`` line."""
    line = line.strip()
    if not line or line.startswith('#'):
        return None
    path, _, last = line.rpartition(' ')
    return path.rstrip() if path and last.lstrip('-').isdigit() else line


def list_videos(source: Path, root: Optional[Path] = None) -> VideoList:
    """The videos of ``source``: every video file under a folder (sorted by
    path), or the lines of a list (paths relative to ``root``, default the
    current folder). Raises :class:`VideoListError` when there are none."""
    source = Path(source)
    if source.is_dir():
        files = sorted(p for p in source.rglob('*')
                       if p.suffix.lower() in VIDEO_SUFFIXES and p.is_file())
        if not files:
            raise VideoListError(
                f'no video files ({", ".join(VIDEO_SUFFIXES)}) under {source}')
        return VideoList([str(p.relative_to(source)) for p in files],
                         [str(p) for p in files])
    if not source.is_file():
        raise VideoListError(
            f'{source} is neither a folder of videos nor a list of them')
    names = [path for path in map(list_line_path,
                                  source.read_text().splitlines()) if path]
    if not names:
        raise VideoListError(
            f'{source} lists no videos: give one path a line, optionally '
            'followed by an integer label')
    root = Path(root) if root is not None else Path('.')
    return VideoList(names, [str(root / name) for name in names])
