"""The video list reader the tools share (mmvididi.utils.video_list)."""
from pathlib import Path

import pytest

from mmvididi.utils.cli import USER_ERRORS
from mmvididi.utils.video_list import (VideoListError, list_line_path,
                                       list_videos)


@pytest.mark.parametrize('line, path', [
    ('a/b.avi', 'a/b.avi'),
    ('a/b.avi 3', 'a/b.avi'),                 # MMAction2's <path> <label>
    ('  a/b.avi   -1  ', 'a/b.avi'),          # spaces around, label -1
    ('my clips/a b.mp4', 'my clips/a b.mp4'),  # spaces, no label
    ('my clips/a b.mp4 7', 'my clips/a b.mp4'),
    ('clip 2024.mp4', 'clip 2024.mp4'),       # a name ending in a number
    ('', None), ('   ', None), ('# a comment', None)])
def test_a_list_line(line, path):
    assert list_line_path(line) == path


def test_a_list_keeps_its_order_and_joins_the_root(tmp_path):
    listed = tmp_path / 'list.txt'
    listed.write_text('# my videos\nClassB/z.avi 0\n\nClassA/a.mp4\n')
    videos = list_videos(listed, tmp_path / 'videos')
    assert videos.names == ['ClassB/z.avi', 'ClassA/a.mp4']
    assert videos.paths == [str(tmp_path / 'videos' / n) for n in videos.names]
    assert list_videos(listed).paths == videos.names  # default root: '.'


def test_a_folder_gives_its_video_files_sorted(tmp_path):
    for name in ['b/2.MP4', 'a/1.avi', 'a/notes.txt', 'c.mkv']:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b'')
    videos = list_videos(tmp_path)
    assert videos.names == ['a/1.avi', 'b/2.MP4', 'c.mkv']
    assert videos.paths == [str(tmp_path / n) for n in videos.names]


def test_nothing_to_read_is_a_user_error_that_names_the_source(tmp_path):
    assert issubclass(VideoListError, USER_ERRORS)
    (tmp_path / 'empty').mkdir()
    (tmp_path / 'empty.txt').write_text('# nothing\n\n')
    for source, said in [(tmp_path / 'empty', 'no video files'),
                         (tmp_path / 'empty.txt', 'lists no videos'),
                         (tmp_path / 'nowhere', 'is neither a folder')]:
        with pytest.raises(VideoListError, match=said) as error:
            list_videos(Path(source))
        assert str(source) in str(error.value)
