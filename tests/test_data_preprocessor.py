"""ViDiDiDataPreprocessor: same orders from host int16 and device uint8 input."""
import argparse
import warnings

import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.config import Config, DictAction

from mmvididi.datasets.transforms import TemporalDerivative
from mmvididi.models import ViDiDiDataPreprocessor
from mmvididi.motion_compensation import MotionCompensation
from tests.references import binomial_reference

MEAN = np.array([123.675, 116.28, 103.53])
STD = np.array([58.395, 57.12, 57.375])


def batch(compute_on: str, seed: int = 0, num: int = 2, length: int = 7) -> dict:
    rng = np.random.default_rng(seed)
    frames = rng.integers(0, 256, (num, 2, length, 6, 5, 3), dtype=np.uint8)
    frames[1] = frames[1, :, :1]  # a static clip: its derivatives are zero
    return packed(frames, compute_on), frames


def packed(clips, compute_on: str) -> dict:
    """A batch of samples, each ``V x T x H x W x C`` uint8 views, as
    TemporalDerivative (orders 0, 1, 2) packs them."""
    inputs, samples = [], []
    for clip in clips:
        out = TemporalDerivative(orders=(0, 1, 2), compute_on=compute_on)(
            dict(imgs=clip))
        inputs.append(torch.from_numpy(out['imgs']))
        sample = ActionDataSample()
        sample.set_metainfo(dict(derivative_orders=out['derivative_orders']))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


@pytest.mark.parametrize('compute_on', ['host', 'device'])
def test_orders_are_differentiated_and_normalised(compute_on):
    data, frames = batch(compute_on)
    out = ViDiDiDataPreprocessor(orders=(0, 1, 2))(data)['inputs']

    assert sorted(out) == [0, 1, 2]
    for order, clips in out.items():
        assert clips.shape == (2, 2, 3, 5, 6, 5) and clips.dtype == torch.float32
        for n in range(2):
            for view in range(2):
                raw = binomial_reference(frames[n, view], order, 5)
                # N V C T H W <- T H W C
                got = clips[n, view].permute(1, 2, 3, 0).numpy()
                if order == 0:
                    expected = (raw - MEAN) / STD
                else:
                    rms = max(np.sqrt(np.mean(raw.astype(np.float64) ** 2)), 1.0)
                    expected = raw / rms
                np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    # unit spread for moving content, zero for the static clip
    assert out[1][0].pow(2).mean().sqrt().item() == pytest.approx(1.0, rel=1e-5)
    assert out[2][1].abs().max().item() == 0


def test_host_and_device_give_the_same_tensors():
    host = ViDiDiDataPreprocessor(orders=(2, 0))(batch('host')[0])['inputs']
    device = ViDiDiDataPreprocessor(orders=(2, 0))(batch('device')[0])['inputs']
    for order in (0, 2):
        torch.testing.assert_close(host[order], device[order], rtol=0, atol=0)


def test_baseline_takes_the_first_T_frames_of_the_same_clip():
    data, frames = batch('device')
    out = ViDiDiDataPreprocessor(orders=(0, ))(data, training=True)['inputs']
    assert list(out) == [0] and out[0].shape[3] == 5  # T, not T + 2
    got = out[0][0, 0].permute(1, 2, 3, 0).numpy() * STD + MEAN
    np.testing.assert_allclose(got, frames[0, 0, :5], atol=1e-3)


def test_fixed_std_scale():
    data, frames = batch('host')
    out = ViDiDiDataPreprocessor(orders=(1, ), derivative_norm='std',
                                 derivative_scale={1: 0.5})(data)['inputs']
    raw = binomial_reference(frames[0, 0], 1, 5)
    np.testing.assert_allclose(out[1][0, 0].permute(1, 2, 3, 0).numpy(),
                               raw / (STD * 0.5), rtol=1e-5)


def test_a_scale_from_the_command_line_is_the_scale_of_its_order():
    """``--cfg-options ...derivative_scale.1=0.5`` gives the key '1': the
    same preprocessor as ``{1: 0.5}``, the command line's value winning
    over the config's."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    options = parser.parse_args([
        '--cfg-options', 'preprocessor.derivative_scale.1=0.25']).cfg_options
    cfg = Config(dict(preprocessor=dict(derivative_norm='std',
                                        derivative_scale={1: 0.5, 2: 2.0})))
    cfg.merge_from_dict(options)
    assert '1' in cfg.preprocessor.derivative_scale  # a string, as merged
    from_command_line = ViDiDiDataPreprocessor(orders=(1, ), **cfg.preprocessor)
    assert from_command_line.derivative_scale == {1: 0.25, 2: 2.0}
    assert ViDiDiDataPreprocessor(derivative_norm='std', derivative_scale={
        np.int64(2): np.float32(0.5)}).derivative_scale == {2: 0.5}
    data, frames = batch('host')
    out = from_command_line(data)['inputs']
    np.testing.assert_allclose(
        out[1][0, 0].permute(1, 2, 3, 0).numpy(),
        binomial_reference(frames[0, 0], 1, 5) / (STD * 0.25), rtol=1e-5)


@pytest.mark.parametrize('scale, message', [
    ({0: 0.5}, "key 0 is not a derivative order"),
    ({'first': 0.5}, "key 'first' is not a derivative order"),
    ({1: 0.0}, r'derivative_scale\[1\]=0.0 is not a positive number'),
    ({'2': 'half'}, r"derivative_scale\[2\]='half' is not a positive"),
    ([0.5], r'derivative_scale=\[0.5\] is not a dict'),
])
def test_a_scale_that_would_be_ignored_or_wrong_is_rejected(scale, message):
    with pytest.raises(ValueError, match=message):
        ViDiDiDataPreprocessor(derivative_norm='std', derivative_scale=scale)


def test_a_scale_without_the_std_norm_is_ignored_with_a_warning():
    with pytest.warns(UserWarning, match=r"derivative_scale=\{1: 0.5\} is "
                      "ignored: derivative_norm='clip_rms'"):
        preprocessor = ViDiDiDataPreprocessor(derivative_scale={1: 0.5})
    assert preprocessor.evaluation_settings()['derivative_scale'] == {
        1: 1.0, 2: 1.0, 3: 1.0}
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        ViDiDiDataPreprocessor(derivative_scale={1: 1.0})  # changes nothing
        assert ViDiDiDataPreprocessor(
            derivative_norm='std', derivative_scale={1: 1.0, 2: 0.5}
        ).evaluation_settings()['derivative_scale'] == {1: 1.0, 2: 0.5,
                                                        3: 1.0}


def test_orders_missing_from_the_data_name_the_fix():
    data, _ = batch('device')
    for sample in data['data_samples']:
        sample.set_metainfo(dict(derivative_orders=(0, 1)))
    with pytest.raises(ValueError, match=r'add \[2\] to the orders of '
                       'TemporalDerivative'):
        ViDiDiDataPreprocessor(orders=(0, 2))(data, training=True)
    # evaluation takes every order the data has: the test pipeline decides
    out = ViDiDiDataPreprocessor(orders=(0, 2))(data, training=False)
    assert list(out['inputs']) == [0, 1]


def test_unknown_norm_is_rejected():
    with pytest.raises(ValueError, match="derivative_norm='l2' is not one of"):
        ViDiDiDataPreprocessor(derivative_norm='l2')


def panned_batch(compute_on: str = 'device', num: int = 2) -> dict:
    """uint8 views of a textured scene panned by whole and half pixels a
    frame, as TemporalDerivative packs them."""
    rng = np.random.default_rng(0)
    scene = rng.integers(0, 256, (64, 64, 3)).astype(np.float32)
    scene = (scene + np.roll(scene, 1, 0) + np.roll(scene, 1, 1) +
             np.roll(scene, 1, (0, 1))) / 4  # a little smoother than noise
    views = np.stack([
        np.stack([scene[8 + 2 * t:40 + 2 * t, 4 + t:36 + t] for t in range(7)]),
        np.stack([scene[20 - t:52 - t, 16:48] for t in range(7)]),
    ]).round().astype(np.uint8)  # 2 views x 7 frames x 32 x 32 x 3
    return packed([views] * num, compute_on)


def test_motion_compensation_is_off_by_default():
    assert ViDiDiDataPreprocessor().motion_compensation is None
    assert ViDiDiDataPreprocessor(
        motion_compensation='none').motion_compensation is None


def test_motion_compensation_removes_a_pan_from_the_derivatives():
    plain = ViDiDiDataPreprocessor(orders=(0, 1, 2), derivative_norm='std')(
        panned_batch())['inputs']
    aligned = ViDiDiDataPreprocessor(
        orders=(0, 1, 2), derivative_norm='std',
        motion_compensation='translation')(panned_batch())['inputs']
    torch.testing.assert_close(aligned[0], plain[0])  # frames untouched
    for order in (1, 2):
        assert aligned[order].shape == plain[order].shape == (2, 2, 3, 5, 32, 32)
        # whole-pixel pans: aligned to within a grey level (0.02 x std)
        interior = aligned[order][..., 6:-6, 6:-6]
        assert interior.abs().max() < 0.02
        assert plain[order][..., 6:-6, 6:-6].pow(2).mean().sqrt() > 0.3


def test_clip_rms_of_compensated_orders_counts_the_valid_pixels_only():
    data = panned_batch()
    data['inputs'] = [x.clone() for x in data['inputs']]
    for x in data['inputs']:  # something that moves with the camera too
        x[:, :, 12:20, 12:20] = torch.arange(7, dtype=torch.uint8).view(
            7, 1, 1, 1) * 30
    out = ViDiDiDataPreprocessor(orders=(0, 1),
                                 motion_compensation='translation')(data)
    first = out['inputs'][1]  # N V C T H W
    nonzero = first.abs().sum(dim=2) > 0  # N V T H W: where data and change
    assert nonzero.any()
    for n in range(2):
        for view in range(2):
            clip = first[n, view]
            # unit RMS over the pixels with data (never over the border)
            frames = data['inputs'][n][view:view + 1, :6].float()  # T + 1
            support = MotionCompensation('translation').derivatives(
                frames, (1, ))[1][0][0]
            rms = clip.pow(2).sum() / (support.sum() * 3)
            assert rms.sqrt().item() == pytest.approx(1.0, rel=1e-4)


def test_a_stabilised_clip_gives_every_order_aligned_frames_too():
    """stabilize=True: order 0 is the clip warped onto its middle frame, the
    baseline's (order 0 alone) the same as ViDiDi's; pixels without data are
    0 after normalisation, in every order; the reference frame is the
    normalised frame itself."""
    data = panned_batch()
    stabilised = dict(model='translation', stabilize=True)
    plain = ViDiDiDataPreprocessor(orders=(0, 1, 2))(data)['inputs']
    vididi = ViDiDiDataPreprocessor(
        orders=(0, 1, 2), motion_compensation=stabilised)(data,
                                                          training=True)
    baseline = ViDiDiDataPreprocessor(
        orders=(0, ), motion_compensation=stabilised)(data, training=True)
    frames = vididi['inputs'][0]  # N V C T H W, T = 5
    torch.testing.assert_close(baseline['inputs'][0], frames, rtol=1e-4,
                               atol=1e-4)
    assert not torch.allclose(frames, plain[0])  # the pan is taken out
    reference = (5 - 1) // 2
    torch.testing.assert_close(frames[:, :, :, reference],
                               plain[0][:, :, :, reference])
    no_data = (frames == 0).all(dim=2)  # N V T H W
    assert no_data.any() and not no_data[:, :, reference].any()
    # whole-pixel pans: every frame is the reference where it has data
    for t in range(5):
        inside = ~no_data[:, :, t, None].expand_as(frames[:, :, :, t])
        difference = frames[:, :, :, t] - frames[:, :, :, reference]
        assert difference[inside].abs().max() < 0.02
    for order in (1, 2):
        assert (vididi['inputs'][order][no_data[..., None, :, :, :].expand(
            -1, -1, 3, -1, -1, -1)] == 0).all()


def test_motion_compensation_needs_the_frames_and_a_known_model():
    with pytest.raises(ValueError, match="compute_on='device'"):
        ViDiDiDataPreprocessor(orders=(0, 1), motion_compensation='similarity')(
            panned_batch('host'))
    # the baseline (order 0 only) needs no frames to align, unless the
    # frames are stabilised
    ViDiDiDataPreprocessor(orders=(0, ), motion_compensation='similarity')(
        panned_batch('host'), training=True)
    with pytest.raises(ValueError, match="compute_on='device'"):
        ViDiDiDataPreprocessor(orders=(0, ), motion_compensation=dict(
            stabilize=True))(panned_batch('host'), training=True)
    with pytest.raises(ValueError, match='motion_compensation=.rigid'):
        ViDiDiDataPreprocessor(motion_compensation='rigid')
    with pytest.raises(ValueError, match='see MotionCompensation'):
        ViDiDiDataPreprocessor(motion_compensation=dict(levels=2, speed=3))


def test_motion_compensation_from_the_config_key():
    """What the measurements set: --cfg-options
    model.data_preprocessor.motion_compensation=similarity, or its arguments
    one by one (the key is absent from the base config)."""
    from mmaction.registry import MODELS
    from mmengine import Config
    from mmengine.registry import init_default_scope

    import mmvididi  # noqa: F401
    from tests.tiny_configs import ROOT
    init_default_scope('mmaction')
    for options in ({'model.data_preprocessor.motion_compensation':
                     'similarity'},
                    {'model.data_preprocessor.motion_compensation.model':
                     'similarity',
                     'model.data_preprocessor.motion_compensation.stabilize':
                     True},
                    {'model.data_preprocessor.motion_compensation.model':
                     'affine',
                     'model.data_preprocessor.motion_compensation.levels': 2}):
        cfg = Config.fromfile(ROOT / 'configs/_base_/models/vididi_r3d18.py')
        assert 'motion_compensation' not in cfg.model.data_preprocessor
        cfg.merge_from_dict(options)
        built = MODELS.build(cfg.model.data_preprocessor).motion_compensation
        assert built.model in ('similarity', 'affine')
        assert built.stabilize == options.get(
            'model.data_preprocessor.motion_compensation.stabilize', False)
    assert built.options['levels'] == 2
