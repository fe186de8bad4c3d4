"""A video's index is demuxed once a process (stream_index.cached_scan), and
again only when the file changes; frames read through a cached index are those
of a fresh one."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mmvididi.video import open_video, pyav_backend, stream_index
from tests.footage import footage

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def scans(monkeypatch):
    """Counts the scans of the PyAV backend, from an empty cache."""
    stream_index.clear_index_cache()
    calls = []

    def counting_scan(container, stream):
        calls.append(container.name)
        return stream_index.scan_stream(container, stream)

    monkeypatch.setattr(pyav_backend, 'scan_stream', counting_scan)
    yield calls
    stream_index.clear_index_cache()


def test_a_video_opened_again_is_not_demuxed_again(scans):
    path = str(footage('h264_bframes_mp4'))
    wanted = [0, 1, 2, 45, 46, 47, 88, 89]
    first = open_video(path, 'pyav')
    frames = first.get_frames(wanted)
    del first
    again = open_video(path, 'pyav')
    assert len(scans) == 1
    np.testing.assert_array_equal(again.get_frames(wanted), frames)
    # and equal to a reader with a freshly scanned index
    stream_index.clear_index_cache()
    fresh = open_video(path, 'pyav')
    assert len(scans) == 2
    np.testing.assert_array_equal(fresh.get_frames(wanted), frames)


def test_a_file_written_again_is_scanned_again(scans, tmp_path):
    path = tmp_path / 'clip.mp4'
    shutil.copy(footage('h264_bframes_mp4'), path)
    assert open_video(str(path), 'pyav').num_frames == 90
    shutil.copy(footage('long_h264_mp4'), path)
    assert open_video(str(path), 'pyav').num_frames == 1200
    assert len(scans) == 2


def test_the_cache_keeps_at_most_its_frames(scans, monkeypatch):
    short, long = (str(footage(name))
                   for name in ('h264_bframes_mp4', 'long_h264_mp4'))
    monkeypatch.setattr(stream_index, 'INDEX_CACHE_FRAMES', 1200)
    for path in (short, long, short, long):
        open_video(path, 'pyav')
    # 90 + 1200 frames do not fit: each open pushed the other video out
    assert len(scans) == 4
    monkeypatch.setattr(stream_index, 'INDEX_CACHE_FRAMES', 1290)
    for path in (short, long, short, long):
        open_video(path, 'pyav')
    assert len(scans) == 5  # the short one, pushed out before, once more


def test_a_cached_index_cannot_be_changed(scans):
    index = open_video(str(footage('h264_bframes_mp4')), 'pyav').index
    with pytest.raises(ValueError, match='read-only'):
        index.pts[0] = 1
    with pytest.raises(ValueError, match='read-only'):
        index.key_pts[0] = 1


def test_a_symlink_and_its_target_share_one_entry(scans, tmp_path):
    target = footage('h264_bframes_mp4')
    link = tmp_path / 'link.mp4'
    os.symlink(target, link)
    open_video(str(target), 'pyav')
    open_video(str(link), 'pyav')
    assert len(scans) == 1


def test_the_benchmark_prints_a_row_a_video():
    paths = [footage(name) for name in ('h264_bframes_mp4', 'xvid_avi')]
    done = subprocess.run(
        [sys.executable, 'tools/benchmark/index_cache.py', *map(str, paths),
         '--repeats', '2'], cwd=ROOT, capture_output=True, text=True,
        check=True)
    rows = [line.split('|')[1:-1] for line in done.stdout.splitlines()
            if line.startswith(f'| {paths[0].name}')
            or line.startswith(f'| {paths[1].name}')]
    assert [int(row[1]) for row in rows] == [90, 60]
    for row in rows:  # cold, warm and per-frame times are numbers >= 0
        assert all(float(cell) >= 0 for cell in row[2:])
