"""StaticFrameMix: another video's still frame in the frames, none in the
derivatives."""
import numpy as np
import pytest
import torch

from mmvididi.derivatives import temporal_derivatives
from mmvididi.models import ViDiDiDataPreprocessor
from mmvididi.static_frame_mix import StaticFrameMix, mix_static_frames
from tests.test_data_preprocessor import packed


def moving_videos(num: int = 4, seed: int = 0) -> np.ndarray:
    """``num`` videos of 2 views x 7 frames x 16 x 16 x 3 uint8, each a
    random texture drifting one pixel a frame (nothing static)."""
    rng = np.random.default_rng(seed)
    scenes = rng.integers(0, 256, (num, 2, 16, 40, 3), dtype=np.uint8)
    return np.stack([
        np.stack([scenes[n, v, :, t:t + 16] for t in range(7)])
        for n in range(num) for v in range(2)
    ]).reshape(num, 2, 7, 16, 16, 3)


def test_mix_is_a_weighted_sum_with_the_partner_s_frame():
    frames = torch.rand(3, 2, 4, 5, 6, 3)
    partners = torch.tensor([2, 0, 1])
    times = torch.tensor([[0, 3], [1, 2], [3, 3]])
    weights = torch.tensor([[0.25, 0.0], [0.5, 1.0], [0.1, 0.4]])
    out = mix_static_frames(frames, partners, times, weights)
    for n in range(3):
        for v in range(2):
            w = weights[n, v]
            still = frames[partners[n], v, times[n, v]]
            expected = (1 - w) * frames[n, v] + w * still[None]
            torch.testing.assert_close(out[n, v], expected)
    torch.testing.assert_close(out[0, 1], frames[0, 1])  # weight 0: as it was


def test_the_derivatives_of_a_mixed_clip_are_a_scaled_copy():
    """The property the option rests on: a still image has no derivative."""
    frames = torch.rand(3, 2, 7, 5, 6, 3) * 255
    partners, times = torch.tensor([1, 2, 0]), torch.zeros(3, 2).long()
    weights = torch.full((3, 2), 0.3)
    mixed = mix_static_frames(frames, partners, times, weights)
    for plain, after in zip(temporal_derivatives(frames, (1, 2), time_dim=2),
                            temporal_derivatives(mixed, (1, 2), time_dim=2)):
        torch.testing.assert_close(after, 0.7 * plain, rtol=1e-5, atol=1e-3)


def test_every_video_gets_another_video_s_frame():
    torch.manual_seed(0)
    frames = torch.arange(5.).view(5, 1, 1, 1, 1, 1).expand(5, 2, 3, 2, 2, 1)
    for _ in range(20):  # video n's frames are all n: the partner shows
        out = StaticFrameMix(prob=1.0, max_weight=1.0)(frames.clone())
        weight_and_partner = out - frames  # w * (partner - n)
        for n in range(5):
            assert (weight_and_partner[n] != 0).all()  # never its own frame
    one = frames[:1].clone()
    assert StaticFrameMix()(one) is one  # no other video: unchanged


def test_prob_and_max_weight_bound_the_mix():
    torch.manual_seed(0)
    frames = torch.rand(64, 2, 3, 4, 4, 3)
    untouched = StaticFrameMix(prob=0.0)(frames)
    torch.testing.assert_close(untouched, frames)
    out = StaticFrameMix(prob=0.5, max_weight=0.2)(frames)
    changed = (out != frames).flatten(2).any(-1)  # N V
    assert 0.3 < changed.float().mean() < 0.7
    # |out - x| = w |s - x| <= 0.2 * 1 for frames in [0, 1]
    assert (out - frames).abs().max() <= 0.2 + 1e-6
    for bad in (dict(prob=1.5), dict(max_weight=0), dict(max_weight=2)):
        with pytest.raises(ValueError, match='StaticFrameMix: prob='):
            StaticFrameMix(**bad)


def test_preprocessor_mixes_the_frames_in_training_only():
    data_of = lambda: packed(moving_videos(), 'device')  # noqa: E731
    plain = ViDiDiDataPreprocessor(orders=(0, 1, 2))
    mixing = ViDiDiDataPreprocessor(
        orders=(0, 1, 2), static_frame_mix=dict(prob=1.0, max_weight=0.5))
    assert ViDiDiDataPreprocessor().static_frame_mix is None
    torch.manual_seed(0)
    expected = plain(data_of(), training=True)['inputs']
    got = mixing(data_of(), training=True)['inputs']
    assert not torch.allclose(got[0], expected[0])
    for order in (1, 2):  # computed before the mix: exactly as without it
        torch.testing.assert_close(got[order], expected[order])
    evaluated = mixing(data_of(), training=False)['inputs']
    for order in (0, 1, 2):
        torch.testing.assert_close(evaluated[order], expected[order])


def test_clip_rms_derivatives_of_the_mixed_video_equal_the_plain_ones():
    """Mixing only order 0 is the same as differencing the mixed video."""
    videos = moving_videos()
    frames = torch.from_numpy(videos).float()
    mixed = mix_static_frames(frames, torch.tensor([1, 2, 3, 0]),
                              torch.ones(4, 2).long(), torch.full((4, 2), 0.4))
    pre = ViDiDiDataPreprocessor(orders=(0, 1, 2))
    for plain, after, order in zip(
            temporal_derivatives(frames, (1, 2), time_dim=2),
            temporal_derivatives(mixed, (1, 2), time_dim=2), (1, 2)):
        torch.testing.assert_close(pre.normalise(after, order),
                                   pre.normalise(plain, order),
                                   rtol=1e-4, atol=1e-4)


def test_static_frame_mix_from_the_config_key():
    from mmaction.registry import MODELS
    from mmengine import Config
    from mmengine.registry import init_default_scope

    import mmvididi  # noqa: F401
    from tests.tiny_configs import ROOT
    init_default_scope('mmaction')
    for options, expected in (
        ({'model.data_preprocessor.static_frame_mix':
          dict(prob=0.8, max_weight=0.3)}, (0.8, 0.3)),
        # as the config's comment says, one argument, the others default
        ({'model.data_preprocessor.static_frame_mix.max_weight': 0.4},
         (1.0, 0.4))):
        cfg = Config.fromfile(ROOT / 'configs/_base_/models/vididi_r3d18.py')
        assert 'static_frame_mix' not in cfg.model.data_preprocessor
        cfg.merge_from_dict(options)
        built = MODELS.build(cfg.model.data_preprocessor).static_frame_mix
        assert (built.prob, built.max_weight) == expected
    for bad in ('yes', dict(weight=0.3)):
        cfg.model.data_preprocessor.static_frame_mix = bad
        with pytest.raises(ValueError, match='static_frame_mix='):
            MODELS.build(cfg.model.data_preprocessor)
