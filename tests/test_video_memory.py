"""mmvididi.video.memory: what decoding freed goes back to the system once
enough frames were decoded, when a video goes."""
import platform

import pytest

from mmvididi.video import memory, open_video
from tests.footage import footage


@pytest.fixture
def trims(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, '_MALLOC_TRIM', lambda pad: calls.append(pad))
    monkeypatch.setattr(memory, '_decoded', 0)
    return calls


def test_trims_once_enough_bytes_were_decoded(trims, monkeypatch):
    monkeypatch.setattr(memory, 'TRIM_EVERY_BYTES', 100)
    trims_before = memory.trim_stats()[0]
    memory.note_decoded(60)
    assert not memory.release_freed() and trims == []
    memory.note_decoded(40)
    assert memory.release_freed() and trims == [0]
    assert not memory.release_freed()  # the count starts again
    assert memory.release_freed(force=True) and trims == [0, 0]
    assert memory.trim_stats()[0] == trims_before + 2


def test_a_video_that_goes_releases_what_its_frames_took(trims, monkeypatch):
    video = open_video(str(footage('long_h264_mp4')))
    frames = video.get_frames(range(10, 20))
    frame_bytes = sum(frame.nbytes for frame in frames)
    monkeypatch.setattr(memory, 'TRIM_EVERY_BYTES', frame_bytes)
    del video  # closes its decoder, then trims
    assert trims == [0]
    small = open_video(str(footage('long_h264_mp4')))
    small.get_frames([0])
    del small  # one frame: not enough to trim for
    assert trims == [0]


@pytest.mark.skipif(platform.libc_ver()[0] != 'glibc',
                    reason='malloc_trim is glibc\'s; elsewhere nothing to call')
def test_glibc_trim_is_found_where_the_libc_is_glibc():
    assert memory._MALLOC_TRIM is not None
