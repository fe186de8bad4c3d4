"""MultiView: independent views of one opened video."""
import numpy as np
import pytest
from mmengine.registry import init_default_scope

from mmvididi.datasets.transforms import MultiView, VideoInit

init_default_scope('mmaction')


def opened(path) -> dict:
    return VideoInit()(dict(filename=str(path), start_index=0, modality='RGB'))


def sample_and_decode(clip_len: int) -> list:
    return [dict(type='SampleFrames', clip_len=clip_len, num_clips=1),
            dict(type='VideoDecode')]


def test_views_have_their_own_offsets_and_frames(lossless_video):
    path, frames = lossless_video
    np.random.seed(0)
    out = MultiView(sample_and_decode(8), num_views=4)(opened(path))

    assert out['imgs'].shape == (4, 8, 64, 96, 3) and out['imgs'].dtype == np.uint8
    assert len(out['frame_inds']) == 4
    starts = [int(inds[0]) for inds in out['frame_inds']]
    assert len(set(starts)) > 1  # offsets drawn per view
    for view, inds in zip(out['imgs'], out['frame_inds']):
        np.testing.assert_array_equal(view, frames[inds])
    # keys the views did not touch stay as they were
    assert out['modality'] == 'RGB' and out['total_frames'] == len(frames)


def test_asymmetric_pipelines_make_one_view_each(lossless_video):
    path, _ = lossless_video
    flip_all = sample_and_decode(6) + [dict(type='Flip', flip_ratio=1.0)]
    no_flip = sample_and_decode(6) + [dict(type='Flip', flip_ratio=0.0)]
    out = MultiView([flip_all, no_flip], num_views=[1, 1])(opened(path))
    assert out['flip'] == [True, False]
    assert out['imgs'].shape[0] == 2


def test_views_of_different_sizes_are_rejected(lossless_video):
    path, _ = lossless_video
    small = sample_and_decode(4) + [
        dict(type='Resize', scale=(32, 32), keep_ratio=False)]
    with pytest.raises(ValueError, match='fixed-size Resize or crop'):
        MultiView([sample_and_decode(4), small], num_views=[1, 1])(opened(path))


@pytest.mark.parametrize('num_views', [0, [1, 1], [2, -1]])
def test_num_views_must_match_the_pipelines(num_views):
    with pytest.raises(ValueError, match='MultiView: num_views='):
        MultiView(sample_and_decode(4), num_views=num_views)
