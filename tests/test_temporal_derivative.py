"""TemporalDerivative on frames decoded from real encoded videos."""
import numpy as np
import pytest

from mmvididi.datasets.transforms import TemporalDerivative
from mmvididi.video import open_video
from tests.references import binomial_reference


def decode(path, frame_inds) -> np.ndarray:
    with open_video(str(path)) as video:
        return np.stack(video.get_frames(list(frame_inds)))


def test_orders_of_a_decoded_clip_equal_the_reference(lossless_video):
    path, frames = lossless_video
    clip = decode(path, range(5, 5 + 16 + 2))
    np.testing.assert_array_equal(clip, frames[5:23])  # FFV1 RGB is lossless

    out = TemporalDerivative(orders=(0, 1, 2))(
        dict(imgs=list(clip), filename=str(path)))

    assert out['imgs'].shape == (1, 3, 16, 64, 96, 3)
    assert out['imgs'].dtype == np.int16
    assert out['clip_len'] == 16 and out['derivative_orders'] == (0, 1, 2)
    for i, order in enumerate((0, 1, 2)):
        np.testing.assert_array_equal(out['imgs'][0, i],
                                      binomial_reference(frames[5:23], order, 16))
    # the flashing square drives order 2 to the int16 extremes, exactly
    assert out['imgs'][0, 2].max() == 510 and out['imgs'][0, 2].min() == -510


def test_multi_view_input_expands_every_view(lossless_video):
    path, frames = lossless_video
    views = np.stack([decode(path, range(0, 12)), decode(path, range(20, 32))])

    out = TemporalDerivative(orders=(1, 0))(dict(imgs=views))

    assert out['imgs'].shape == (2, 2, 11, 64, 96, 3)
    for view, start in enumerate((0, 20)):
        np.testing.assert_array_equal(
            out['imgs'][view, 0], binomial_reference(frames[start:start + 12], 1, 11))
        np.testing.assert_array_equal(out['imgs'][view, 1],
                                      frames[start:start + 11])


def test_clips_of_sample_frames_become_views(lossless_video):
    path, frames = lossless_video
    inds = np.concatenate([np.arange(0, 6), np.arange(20, 26)])  # 2 clips of 6
    out = TemporalDerivative(orders=(0, 1))(
        dict(imgs=list(decode(path, inds)), num_clips=2))
    assert out['imgs'].shape == (2, 2, 5, 64, 96, 3)
    np.testing.assert_array_equal(out['imgs'][1, 0], frames[20:25])
    with pytest.raises(ValueError, match='do not split into num_clips=5'):
        TemporalDerivative()(dict(imgs=list(decode(path, inds)), num_clips=5))


def test_float_frames_give_float32():
    clip = np.linspace(0, 1, 4 * 2 * 2 * 3, dtype=np.float64).reshape(4, 2, 2, 3)
    out = TemporalDerivative(orders=(0, 1))(dict(imgs=clip))
    assert out['imgs'].dtype == np.float32
    np.testing.assert_allclose(out['imgs'][0, 1], np.diff(clip, axis=0)[:3],
                               rtol=1e-6)


def test_float32_on_request_matches_int16():
    rng = np.random.default_rng(0)
    clip = rng.integers(0, 256, (6, 4, 4, 3), dtype=np.uint8)
    exact = TemporalDerivative(dtype='int16')(dict(imgs=clip))['imgs']
    floats = TemporalDerivative(dtype='float32')(dict(imgs=clip))['imgs']
    assert floats.dtype == np.float32
    np.testing.assert_array_equal(floats, exact.astype(np.float32))


@pytest.mark.parametrize('orders', [(0, 4), (0, -1), (0, 0), ()])
def test_unknown_order_is_rejected_when_built(orders):
    with pytest.raises(ValueError, match='TemporalDerivative: orders=.*distinct'):
        TemporalDerivative(orders=orders)


def test_unknown_dtype_is_rejected():
    with pytest.raises(ValueError, match="dtype='int8' is not one of"):
        TemporalDerivative(dtype='int8')


def test_clip_shorter_than_the_orders_need_names_the_fix():
    clip = np.zeros((2, 8, 8, 3), np.uint8)
    with pytest.raises(ValueError,
                       match=r'a clip of v\.mp4 has 2 frames, but orders '
                       r'\(0, 1, 2\) need T \+ 2 .*SampleFrames clip_len'):
        TemporalDerivative()(dict(imgs=clip, filename='v.mp4'))


@pytest.mark.parametrize('imgs', [
    np.zeros((1, 3, 8, 32, 32), np.uint8),  # already NCTHW (after FormatShape)
    np.zeros((8, 32, 32), np.uint8),  # no channel axis
    np.zeros((2, 2, 8, 32, 32, 3), np.uint8),  # already expanded
    'frames',
])
def test_wrong_layout_is_rejected_with_the_expected_one(imgs):
    with pytest.raises(ValueError, match='channel-last frames T x H x W x C'):
        TemporalDerivative()(dict(imgs=imgs))


def test_frames_of_different_sizes_are_rejected():
    imgs = [np.zeros((8, 8, 3), np.uint8), np.zeros((8, 9, 3), np.uint8)] * 2
    with pytest.raises(ValueError, match='differ in shape'):
        TemporalDerivative(orders=(0, 1))(dict(imgs=imgs))


def test_int16_needs_uint8_frames():
    clip = np.zeros((4, 8, 8, 3), np.float32)
    with pytest.raises(ValueError, match="use dtype='float32'"):
        TemporalDerivative(dtype='int16')(dict(imgs=clip))
