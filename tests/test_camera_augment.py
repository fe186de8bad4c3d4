"""CameraMotionAugment: a camera move of its own for every training view."""
import math

import pytest
import torch

from mmvididi.camera_augment import (CameraMotionAugment, similarity_motions,
                                     warp_frames)
from mmvididi.derivatives import temporal_derivatives
from mmvididi.models import ViDiDiDataPreprocessor
from tests.test_data_preprocessor import packed
from tests.test_static_frame_mix import moving_videos


def moves(offset=(0.0, 0.0), log_scale=0.0, roll=0.0, frames=1):
    """``(1, frames, 2, 3)`` copies of one map."""
    return similarity_motions(
        torch.tensor(offset).expand(1, frames, 2),
        torch.full((1, frames), float(log_scale)),
        torch.full((1, frames), float(roll)))


def test_the_identity_leaves_frames_as_they_are():
    frames = torch.rand(2, 3, 9, 12, 3) * 255
    out = warp_frames(frames, moves(frames=3).expand(2, 3, 2, 3))
    torch.testing.assert_close(out, frames, rtol=0, atol=1e-3)


def test_a_pan_reads_the_frame_that_many_pixels_over():
    frames = torch.rand(1, 1, 10, 14, 3)
    right = warp_frames(frames, moves((3.0, 0.0)))  # out(x) = in(x + 3)
    torch.testing.assert_close(right[0, 0, :, :-3], frames[0, 0, :, 3:])
    down = warp_frames(frames, moves((0.0, -2.0)))  # out(y) = in(y - 2)
    torch.testing.assert_close(down[0, 0, 2:], frames[0, 0, :-2])
    # mirrored, not blank, where the view leaves the picture
    torch.testing.assert_close(right[0, 0, :, -1], frames[0, 0, :, -3])


def test_a_quarter_roll_turns_a_square_frame_as_rot90():
    frames = torch.rand(1, 1, 7, 7, 2)
    turned = warp_frames(frames, moves(roll=math.pi / 2))
    # out(x, y) = in(-y, x): out[i, j] = in[j, n - 1 - i]
    expected = torch.rot90(frames[0, 0], 1, dims=(0, 1))
    torch.testing.assert_close(turned[0, 0], expected, rtol=0, atol=1e-4)


def test_a_zoom_in_by_two_reads_the_centre_half():
    frames = torch.rand(1, 1, 8, 8, 1)
    zoomed = warp_frames(frames, moves(log_scale=math.log(0.5)))
    # zoomed in twice about the centre: the centre half, upsampled
    # bilinearly (compared away from the edges, which the two pad apart)
    centre = frames[0, 0, 2:6, 2:6, 0]
    expected = torch.nn.functional.interpolate(
        centre[None, None], size=(8, 8), mode='bilinear',
        align_corners=False)[0, 0]
    torch.testing.assert_close(zoomed[0, 0, 1:-1, 1:-1, 0],
                               expected[1:-1, 1:-1], rtol=0, atol=1e-5)


def test_draws_are_linear_centred_bounded_and_independent():
    torch.manual_seed(0)
    augment = CameraMotionAugment(pan=0.3, zoom=0.1, rotation=6.0)
    maps = augment.draw(500, 9, 40, 60)  # pan in frame sides of 40 pixels
    assert maps.shape == (500, 9, 2, 3)
    middle = maps[:, 4]
    torch.testing.assert_close(middle, moves()[0, 0].expand(500, 2, 3))
    offset = maps[..., 2]
    travel = (offset[:, -1] - offset[:, 0]).norm(dim=-1)
    assert travel.max() <= 0.3 * 40 + 1e-4 and travel.max() > 0.25 * 40
    steps = offset.diff(dim=1)  # linear: equal steps
    torch.testing.assert_close(steps, steps[:, :1].expand_as(steps))
    linear = maps[..., :2]
    scale = linear.det().sqrt()
    assert (scale[:, -1] / scale[:, 0]).log().abs().max() <= 0.1 + 1e-5
    roll = torch.atan2(linear[..., 1, 0], linear[..., 0, 0])
    assert (roll[:, -1] - roll[:, 0]).abs().max() <= math.radians(6) + 1e-5
    # every clip its own move: the directions cover the circle
    angle = torch.atan2(offset[:, -1, 1], offset[:, -1, 0])
    assert torch.histc(angle, 8, -math.pi, math.pi).min() > 30


def test_prob_and_strength_zero_leave_views_unmoved():
    torch.manual_seed(0)
    frames = torch.rand(4, 2, 5, 8, 8, 3) * 255
    for augment in (CameraMotionAugment(prob=0.0),
                    CameraMotionAugment(pan=0, zoom=0, rotation=0)):
        torch.testing.assert_close(augment(frames), frames, rtol=0, atol=1e-3)
    maps = CameraMotionAugment(prob=0.5).draw(400, 3, 8, 8)
    moved = (maps - moves(frames=3)).abs().flatten(1).amax(dim=1) > 1e-6
    assert 0.4 < moved.float().mean() < 0.6
    for bad in (dict(pan=-1), dict(prob=2)):
        with pytest.raises(ValueError, match='CameraMotionAugment: pan='):
            CameraMotionAugment(**bad)


def test_the_two_views_of_a_video_get_different_moves():
    torch.manual_seed(0)
    still = torch.rand(1, 1, 1, 16, 16, 3).expand(3, 2, 5, 16, 16, 3) * 255
    out = CameraMotionAugment()(still.contiguous())
    assert not torch.allclose(out[:, 0], out[:, 1], atol=1)
    # a still scene now moves: its derivative is no longer zero
    first = temporal_derivatives(out, (1, ), time_dim=2)[0]
    assert (first.abs().flatten(2).amax(dim=2) > 1).all()


def test_preprocessor_moves_the_frames_before_differencing_in_training_only():
    data_of = lambda: packed(moving_videos(), 'device')  # noqa: E731
    plain = ViDiDiDataPreprocessor(orders=(0, 1, 2))
    moving = ViDiDiDataPreprocessor(orders=(0, 1, 2),
                                    camera_augment=dict(pan=0.3))
    assert plain.camera_augment is None
    expected = plain(data_of(), training=False)['inputs']
    evaluated = moving(data_of(), training=False)['inputs']
    for order in (0, 1, 2):
        torch.testing.assert_close(evaluated[order], expected[order])
    # the same draws, made by hand: every order is of the moved frames
    torch.manual_seed(0)
    got = moving(data_of(), training=True)['inputs']
    torch.manual_seed(0)
    frames = torch.stack(data_of()['inputs']).float()
    moved = moving.camera_augment(frames)
    for order, clip in zip((0, 1, 2),
                           temporal_derivatives(moved, (0, 1, 2), time_dim=2)):
        want = plain.normalise(clip, order).permute(0, 1, 5, 2, 3, 4)
        torch.testing.assert_close(got[order], want)
        assert not torch.allclose(got[order], expected[order])
    with pytest.raises(ValueError, match='camera_augment needs the frames'):
        moving(packed(moving_videos(), 'host'), training=True)
    # evaluation of host-computed orders is unaffected
    evaluated = moving(packed(moving_videos(), 'host'), training=False)
    for order in (0, 1, 2):
        torch.testing.assert_close(evaluated['inputs'][order],
                                   expected[order])


def test_camera_augment_from_the_config_key():
    from mmaction.registry import MODELS
    from mmengine import Config
    from mmengine.registry import init_default_scope

    import mmvididi  # noqa: F401
    from tests.tiny_configs import ROOT
    init_default_scope('mmaction')
    for options, expected in (
        ({'model.data_preprocessor.camera_augment':
          dict(pan=0.2, zoom=0.0, rotation=3.0)}, (0.2, 0.0, 3.0, 1.0)),
        # as the config's comment says, one argument, the others default
        ({'model.data_preprocessor.camera_augment.pan': 0.3},
         (0.3, 0.12, 6.0, 1.0))):
        cfg = Config.fromfile(ROOT / 'configs/_base_/models/vididi_r3d18.py')
        assert 'camera_augment' not in cfg.model.data_preprocessor
        cfg.merge_from_dict(options)
        built = MODELS.build(cfg.model.data_preprocessor).camera_augment
        assert (built.pan, built.zoom, built.rotation, built.prob) == expected
    for bad in ('yes', dict(shake=0.3)):
        cfg.model.data_preprocessor.camera_augment = bad
        with pytest.raises(ValueError, match='camera_augment='):
            MODELS.build(cfg.model.data_preprocessor)
