"""ExactVideoDecode returns the frames asked for, checked against a full
sequential decode."""
import av
import numpy as np
import pytest
from mmaction.datasets.transforms import DecordDecode, DecordInit

from mmvididi.datasets.transforms import ExactVideoDecode
from mmvididi.utils import write_video
from tests.conftest import moving_frames


def pyav_frames(path) -> np.ndarray:
    """Every frame, decoded in one pass by PyAV (FFmpeg's own reordering)."""
    with av.open(str(path)) as container:
        return np.stack([f.to_ndarray(format='rgb24')
                         for f in container.decode(video=0)])


@pytest.fixture(scope='module', params=[
    ('xvid_bframes.avi', dict(bf='2')),  # UCF101 / HMDB51
    ('xvid.avi', {}),
    ('h264_bframes.mp4', dict(bf='3')),  # Kinetics
    ('ffv1.mkv', {}),
])
def video(request, tmp_path_factory):
    name, options = request.param
    path = write_video(tmp_path_factory.mktemp('exact') / name,
                       moving_frames(seed=5, num_frames=60), **options)
    return path, pyav_frames(path)


def decode(transform, reader, path, frame_inds) -> np.ndarray:
    results = dict(video_reader=reader, filename=str(path),
                   frame_inds=np.asarray(frame_inds))
    return np.stack(transform(results)['imgs'])


def test_strided_clips_at_any_offset_are_exact(video):
    path, expected = video
    reader = DecordInit()(dict(filename=str(path)))['video_reader']
    transform = ExactVideoDecode()
    rng = np.random.default_rng(0)
    for _ in range(12):  # both directions: views share one reader
        start, stride = int(rng.integers(0, 24)), int(rng.integers(1, 4))
        inds = np.arange(start, start + 12 * stride, stride)
        np.testing.assert_array_equal(decode(transform, reader, path, inds),
                                      expected[inds])


def test_repeated_and_out_of_range_indices(video):
    path, expected = video
    reader = DecordInit()(dict(filename=str(path)))['video_reader']
    inds = [3, 3, 7, 59, 59, 75]  # repeat_last sampling; 75 > last frame
    got = decode(ExactVideoDecode(), reader, path, inds)
    np.testing.assert_array_equal(got, expected[[3, 3, 7, 59, 59, 59]])


def test_stock_random_access_is_wrong_on_xvid_with_b_frames(tmp_path):
    """Why this transform exists: if this starts to fail, decord was fixed and
    'auto' could use random access for AVI files too."""
    path = write_video(tmp_path / 'v.avi', moving_frames(seed=5, num_frames=60),
                       bf='2')
    expected = pyav_frames(path)
    inds = np.arange(10, 46, 2)
    results = DecordInit()(dict(filename=str(path)))
    stock = np.stack(DecordDecode()(dict(results, frame_inds=inds))['imgs'])
    assert not np.array_equal(stock, expected[inds])
    exact = decode(ExactVideoDecode(), results['video_reader'], path, inds)
    np.testing.assert_array_equal(exact, expected[inds])


def test_bad_arguments():
    with pytest.raises(ValueError, match="sequential='sometimes' is not one of"):
        ExactVideoDecode(sequential='sometimes')
