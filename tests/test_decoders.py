"""Every backend of mmvididi.video returns the frames of a full sequential
decode, on footage shaped like real data (tests/footage.py), whatever the
order in which clips are asked for; or it refuses the file."""
import functools
import gc
import weakref

import numpy as np
import pytest

from mmvididi.video import (BACKENDS, VideoDecodeError, open_video, scan_file,
                            torchcodec_unavailable)
from mmvididi.video.stream_index import HEADER_SLACK
from tests.footage import KINDS, footage, pyav_reference, stamped_index

try:
    import decord
except ImportError:
    decord = None

NO_TORCHCODEC = torchcodec_unavailable()
needs_decord = pytest.mark.skipif(
    decord is None, reason='decord is not installed (optional; no wheel for '
    'this platform?): its backend is not tested')
needs_torchcodec = pytest.mark.skipif(
    NO_TORCHCODEC is not None, reason=f'TorchCodec backend not tested: '
    f'{NO_TORCHCODEC}')
BACKEND_PARAMS = [
    pytest.param('pyav'),
    pytest.param('torchcodec', marks=needs_torchcodec),
    pytest.param('decord', marks=needs_decord),
]
#: Files a backend refuses, because its random access is wrong on them (the
#: tests at the end show it).
REFUSED = {
    'torchcodec': {'xvid_bframes_avi', 'long_xvid_avi'},
    'decord': {'xvid_bframes_avi', 'long_xvid_avi', 'h264_open_gop_mp4'},
}


@functools.lru_cache(maxsize=None)
def torchcodec_reference(name: str) -> np.ndarray:
    """TorchCodec's own sequential decode (the system's FFmpeg may convert
    colours a little differently from PyAV's)."""
    from torchcodec.decoders import VideoDecoder
    decoder = VideoDecoder(str(footage(name)), dimension_order='NHWC')
    return decoder.get_frames_in_range(0, len(decoder)).data.numpy()


@functools.lru_cache(maxsize=None)
def decord_reference(name: str) -> np.ndarray:
    """decord's own sequential decode (its FFmpeg 4 rounds a few MPEG-4
    pixels differently from PyAV's)."""
    reader = decord.VideoReader(str(footage(name)), num_threads=1)
    return np.stack([reader.next().asnumpy() for _ in range(len(reader))])


def reference(backend: str, name: str) -> np.ndarray:
    if backend == 'torchcodec':
        return torchcodec_reference(name)
    if backend == 'decord':
        return decord_reference(name)
    return pyav_reference(footage(name))


def requests(num_frames: int, seed: int, samples: int = 4) -> list:
    """Clips as a training run asks for them: two views a sample at random
    offsets (the later one first half of the time), 18 frames 2 apart, plus
    repeats, indices past the end, a clip across the whole video, and a clip
    asked for again on the same open video."""
    rng = np.random.default_rng(seed)
    span = min(36, num_frames)
    clips = []
    for _ in range(samples):
        starts = rng.integers(0, num_frames - span + 1, 2)
        clips += [np.arange(s, s + span, 2) for s in starts]
    clips += [
        np.array([3, 3, 1, num_frames - 1, num_frames + 4, 0]),
        np.linspace(0, num_frames - 1, 12).astype(int)[::-1],
        np.arange(num_frames - span, num_frames, 2),  # the last frames
        clips[0],  # again, after others: the reused-reader pattern
    ]
    return clips


@pytest.mark.parametrize('name', sorted(KINDS))
@pytest.mark.parametrize('backend', BACKEND_PARAMS)
def test_every_clip_equals_a_sequential_decode(backend, name):
    if name in REFUSED.get(backend, ()):
        with pytest.raises(VideoDecodeError, match="use backend='pyav'"):
            open_video(str(footage(name)), backend)
        return
    expected = reference(backend, name)
    video = open_video(str(footage(name)), backend)
    assert video.num_frames == len(expected) == KINDS[name].num_frames
    samples = 1 if name.startswith('large') else 4  # 1280 x 720: slow
    for inds in requests(len(expected), seed=len(name), samples=samples):
        got = np.stack(video.get_frames(inds))
        clipped = np.minimum(inds, len(expected) - 1)
        assert [stamped_index(f) for f in got] == clipped.tolist()
        np.testing.assert_array_equal(got, expected[clipped])
    assert video.partial is None


@pytest.mark.parametrize('backend', BACKEND_PARAMS)
def test_a_fresh_video_a_clip_and_threads(backend):
    """One request on a just opened video (the first view), and with two
    decoding threads, on the long H.264 file (keyframes 100 apart)."""
    name = 'long_h264_mp4'
    expected = reference(backend, name)
    inds = np.arange(1150, 1186, 2)
    for threads in (1, 2):
        with open_video(str(footage(name)), backend, threads) as video:
            np.testing.assert_array_equal(np.stack(video.get_frames(inds)),
                                          expected[inds])


def test_the_index_knows_b_frames_open_gops_and_variable_rates():
    """What the PyAV scan reads from the packets alone."""
    assert scan_file(str(footage('xvid_bframes_avi'))).reordered
    assert not scan_file(str(footage('xvid_avi'))).reordered
    assert scan_file(str(footage('h264_open_gop_mp4'))).open_gop
    assert not scan_file(str(footage('h264_bframes_mp4'))).open_gop
    index = scan_file(str(footage('h264_variable_rate_mp4')))
    assert len(set(np.diff(index.pts).tolist())) == 3  # 1, 2, 3 ticks
    assert len(index.key_pts) == 4 and index.seekable


def truncated(tmp_path, name: str, fraction: float = 0.5):
    data = footage(name).read_bytes()
    path = tmp_path / f'truncated_{name}{KINDS[name].suffix}'
    path.write_bytes(data[:int(len(data) * fraction)])
    return path


def test_a_truncated_avi_decodes_in_part_and_says_so(tmp_path):
    path = truncated(tmp_path, 'xvid_bframes_avi')
    video = open_video(str(path), 'pyav')
    expected = pyav_reference(path)  # what decodes
    assert 10 < video.num_frames < KINDS['xvid_bframes_avi'].num_frames - \
        HEADER_SLACK
    assert video.partial.startswith('the header claims 90 frames, the file '
                                    f'holds {video.num_frames}')
    inds = np.arange(0, 90, 5)  # past the end: the last frame that decodes
    got = np.stack(video.get_frames(inds))
    last = min(len(expected), video.num_frames) - 1
    np.testing.assert_array_equal(got, expected[np.minimum(inds, last)])


def test_a_truncated_mkv_with_no_frame_count_still_decodes(tmp_path):
    path = truncated(tmp_path, 'vp9_mkv', 0.6)
    video = open_video(str(path), 'pyav')
    assert 10 < video.num_frames < 90
    frames = video.get_frames([0, video.num_frames - 1])
    assert stamped_index(frames[0]) == 0
    assert stamped_index(frames[1]) >= video.num_frames - 2


@pytest.mark.parametrize('data, match', [
    (b'not a video\n' * 100, 'cannot be decoded'),
])
def test_what_does_not_open_is_an_error_naming_the_file(tmp_path, data, match):
    path = tmp_path / 'bad.mp4'
    path.write_bytes(data)
    for backend in ['pyav'] + (['torchcodec'] if not NO_TORCHCODEC else []):
        with pytest.raises(VideoDecodeError, match=f'bad.mp4 {match}'):
            open_video(str(path), backend)
    with pytest.raises(KeyError, match="unknown video backend 'opencv'"):
        open_video(str(path), 'opencv')
    assert set(BACKENDS) == {'pyav', 'torchcodec', 'decord'}


@needs_decord
@pytest.mark.parametrize('name', ['xvid_bframes_avi', 'h264_open_gop_mp4'])
def test_decord_random_access_is_wrong_where_its_backend_refuses(name):
    """Why the decord backend refuses these files: a fresh decord reader gives
    other frames than asked for. If this fails, decord was fixed."""
    expected = pyav_reference(footage(name))
    wrong = 0
    for inds in requests(len(expected), seed=0)[:8]:
        reader = decord.VideoReader(str(footage(name)), num_threads=1)
        got = reader.get_batch(list(inds)).asnumpy()
        wrong += not np.array_equal(got, expected[inds])
    assert wrong > 0


@needs_torchcodec
def test_torchcodec_is_wrong_on_avi_with_b_frames():
    """Why the TorchCodec backend refuses AVI files with B-frames: after a
    seek its exact mode returns the frame before the one asked for. If this
    fails, TorchCodec was fixed."""
    from torchcodec.decoders import VideoDecoder
    path = str(footage('xvid_bframes_avi'))
    decoder = VideoDecoder(path, seek_mode='exact', dimension_order='NHWC')
    got = decoder.get_frames_at(list(range(60, 78, 2))).data.numpy()
    assert [stamped_index(f) for f in got] != list(range(60, 78, 2))


@pytest.mark.parametrize('name', ['xvid_bframes_avi', 'h264_bframes_mp4',
                                  'h264_open_gop_mp4'])
def test_a_request_just_after_another_is_exact(name):
    """PyAV skips the B-frames not asked for; the frames a request asks for
    right after the previous one (already passed to the decoder, and maybe
    skipped) are decoded again."""
    expected = pyav_reference(footage(name))
    video = open_video(str(footage(name)), 'pyav')
    for first in range(4, 30, 3):
        for inds in ([first], [first + 1, first + 2], [first + 3, first + 5]):
            np.testing.assert_array_equal(np.stack(video.get_frames(inds)),
                                          expected[inds])


#: the object that holds each backend's decoder and its buffers
DECODER_TYPES = {'pyav': 'InputContainer', 'torchcodec': 'VideoDecoder',
                 'decord': 'VideoReader'}


@pytest.mark.parametrize('backend', BACKEND_PARAMS)
def test_a_video_and_its_decoder_go_by_reference_counting(backend):
    """With the garbage collector off, a video dropped after a clip is freed
    at once, and no reference cycle keeps its decoder and buffers until a
    collection (a dataloader worker collects rarely). (decord's FFI leaves
    small ctypes array types in cycles on every call: not its decoder.)"""
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            video = open_video(str(footage('long_h264_mp4')), backend)
            video.get_frames(np.arange(600, 636, 2))
            gone = weakref.ref(video)
            del video
            assert gone() is None
        gc.set_debug(gc.DEBUG_SAVEALL)  # keep what a collection finds
        gc.collect()
        left = {type(obj).__name__ for obj in gc.garbage}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert DECODER_TYPES[backend] not in left, sorted(left)
