"""ViDiDiDataPreprocessor: same orders from host int16 and device uint8 input."""
import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample

from mmvididi.datasets.transforms import TemporalDerivative
from mmvididi.models import ViDiDiDataPreprocessor
from tests.references import binomial_reference

MEAN = np.array([123.675, 116.28, 103.53])
STD = np.array([58.395, 57.12, 57.375])


def batch(compute_on: str, seed: int = 0, num: int = 2, length: int = 7) -> dict:
    rng = np.random.default_rng(seed)
    frames = rng.integers(0, 256, (num, 2, length, 6, 5, 3), dtype=np.uint8)
    frames[1] = frames[1, :, :1]  # a static clip: its derivatives are zero
    inputs, samples = [], []
    for clip in frames:
        out = TemporalDerivative(orders=(0, 1, 2), compute_on=compute_on)(
            dict(imgs=clip))
        inputs.append(torch.from_numpy(out['imgs']))
        sample = ActionDataSample()
        sample.set_metainfo(dict(derivative_orders=out['derivative_orders']))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples), frames


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
