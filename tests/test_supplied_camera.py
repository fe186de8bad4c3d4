"""Supplied camera motion: LoadCameraMotion, MotionCompensation(
motion_source='supplied') and the preprocessor, against known cameras."""
import numpy as np
import pytest
import torch
from mmaction.datasets.transforms import RandomResizedCrop, Resize
from mmaction.structures import ActionDataSample

from mmvididi.data_preparation.synthetic_motion import (
    MotionDatasetSpec, generate_motion_dataset, render_scene)
from mmvididi.datasets.transforms import LoadCameraMotion, TemporalDerivative
from mmvididi.datasets.transforms.load_camera_motion import camera_file
from mmvididi.derivatives import temporal_derivatives
from mmvididi.models import ViDiDiDataPreprocessor
from mmvididi.motion_compensation import (CAMERA_KEY, MotionCompensation,
                                          camera_chains, camera_steps, invert,
                                          reference_chains)
from tests.test_motion_compensation import (camera_poses, panned_clip,
                                            point_error,
                                            true_reference_motions)

pytestmark = pytest.mark.usefixtures('one_torch_thread')

SUPPLIED = dict(model='similarity', stabilize=True, motion_source='supplied')


def poses_as_cameras(length: int) -> torch.Tensor:
    """panned_clip's cameras ``C[t]``: frame t shows the scene carried by
    pose t, so its pixels go back to the scene's by the pose's inverse."""
    return invert(torch.stack(camera_poses(length)))[None]


def test_supplied_cameras_give_the_true_motions():
    cameras = poses_as_cameras(10)
    chains = camera_chains(cameras, 3)
    torch.testing.assert_close(chains[0], true_reference_motions(
        camera_poses(10), 3))
    torch.testing.assert_close(reference_chains(camera_steps(cameras), 3),
                               chains)


@pytest.mark.parametrize('stabilize', [True, False])
def test_supplied_cameras_align_better_than_the_estimate(stabilize):
    """A panned, rolled and zoomed static scene: with its true cameras every
    order >= 1 is nearly 0 (what interpolation leaves), a tenth of the plain
    derivative's and no more than what the estimate leaves (which, on this
    clean clip, is nearly exact too)."""
    clip = panned_clip(length=10)
    cameras = poses_as_cameras(10).float()
    supplied = MotionCompensation('similarity', stabilize=stabilize,
                                  motion_source='supplied')
    estimated = MotionCompensation('similarity', stabilize=stabilize)
    outputs, masks = supplied.derivatives(clip, (0, 1, 2), cameras)
    guesses, _ = estimated.derivatives(clip, (0, 1, 2))
    plain = temporal_derivatives(clip, (0, 1, 2), time_dim=1)
    for order in (1, 2):
        inside = masks[order]
        assert inside.float().mean() > 0.3
        exact = outputs[order][inside].pow(2).mean().sqrt()
        guess = guesses[order][inside].pow(2).mean().sqrt()
        unaligned = plain[order][inside].pow(2).mean().sqrt()
        assert exact < 0.1 * unaligned and exact <= 1.01 * guess, (
            order, exact, guess, unaligned)
    if stabilize:
        truth = true_reference_motions(camera_poses(10), 3)
        chains = supplied.reference_motions(clip, 3, cameras)
        assert point_error(chains[0], truth).max() < 1e-4


def test_the_motion_source_is_checked():
    clip = panned_clip(length=4)
    with pytest.raises(ValueError, match="'gyro' is not one of"):
        MotionCompensation(motion_source='gyro')
    with pytest.raises(ValueError, match='none were given'):
        MotionCompensation(**SUPPLIED).derivatives(clip, (0, 1))
    with pytest.raises(ValueError, match="set motion_source='supplied'"):
        MotionCompensation().derivatives(clip, (0, 1),
                                         poses_as_cameras(4).float())
    with pytest.raises(ValueError, match='one map a frame'):
        MotionCompensation(**SUPPLIED).derivatives(
            clip, (0, 1), poses_as_cameras(3).float())
    assert MotionCompensation(**SUPPLIED).settings()['motion_source'] == \
        'supplied'


def world_ramp(points: np.ndarray) -> np.ndarray:
    """A linear function of world pixels: linear interpolation reproduces
    it exactly, so a resampled frame's pixels say where they came from."""
    return 0.75 * points[..., 0] + 0.5 * points[..., 1] + 10.0


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_load_camera_motion_follows_the_crop_and_resize(tmp_path, seed):
    """Frames of a linear 'world' filmed by a moving camera, cropped at
    random and resized by MMAction2's own transforms: every interior pixel
    of the clip holds the world's value at the point its camera ``C[t]``
    sends it to."""
    rng = np.random.default_rng(seed)
    length, size = 6, 64
    cameras = np.stack([
        np.array([[np.cos(a) * z, -np.sin(a) * z, 3.0 * t + 20],
                  [np.sin(a) * z, np.cos(a) * z, -2.0 * t + 20]])
        for t, (a, z) in enumerate(zip(rng.uniform(-0.1, 0.1, length),
                                       rng.uniform(0.9, 1.1, length)))])
    video = tmp_path / 'clip.mp4'
    np.save(camera_file(video), cameras)
    corner = np.stack(np.meshgrid(np.arange(size), np.arange(size)),
                      axis=-1).astype(np.float64)
    frames = [world_ramp(corner @ c[:, :2].T + c[:, 2]).astype(np.float32)
              for c in cameras]
    inds = np.array([4, 1, 5, 2])
    results = dict(filename=str(video), frame_inds=inds,
                   imgs=[frames[i] for i in inds],
                   original_shape=(size, size), img_shape=(size, size),
                   modality='RGB')
    np.random.seed(seed)
    results = RandomResizedCrop(area_range=(0.3, 1.0))(results)
    results = Resize(scale=(32, 24), keep_ratio=False)(results)
    results = LoadCameraMotion()(results)
    clip_cameras = results[CAMERA_KEY]
    assert clip_cameras.shape == (4, 2, 3)
    height, width = results['img_shape']
    centred = np.stack(np.meshgrid(np.arange(width) - (width - 1) / 2,
                                   np.arange(height) - (height - 1) / 2),
                       axis=-1)
    for image, camera in zip(results['imgs'], clip_cameras):
        expected = world_ramp(centred @ camera[:, :2].T.astype(np.float64) +
                              camera[:, 2])
        np.testing.assert_allclose(image[2:-2, 2:-2], expected[2:-2, 2:-2],
                                   atol=2e-3 * np.abs(expected).max())


def test_load_camera_motion_names_the_file_and_the_fix(tmp_path):
    video = tmp_path / 'clip.mp4'
    results = dict(filename=str(video), frame_inds=np.arange(3),
                   original_shape=(8, 8), img_shape=(8, 8))
    with pytest.raises(FileNotFoundError, match='clip.camera.npy'):
        LoadCameraMotion()(dict(results))
    np.save(camera_file(video), np.zeros((2, 2, 3)))
    with pytest.raises(ValueError, match='write it again'):
        LoadCameraMotion()(dict(results))
    with pytest.raises(ValueError, match='flipped'):
        LoadCameraMotion()(dict(results, flip=True))


def samples_with(cameras: np.ndarray, views: int) -> list:
    sample = ActionDataSample()
    sample.set_metainfo({'derivative_orders': (0, 1, 2),
                         CAMERA_KEY: [cameras] * views})
    return [sample]


def test_the_preprocessor_passes_each_samples_cameras():
    clip = panned_clip(length=10)  # (1, 10, H, W, 3)
    frames = clip.clamp(0, 255).round().to(torch.uint8)[0].numpy()
    views = np.stack([frames, frames])
    packed = TemporalDerivative(orders=(0, 1, 2), compute_on='device')(
        dict(imgs=views))
    cameras = poses_as_cameras(10)[0].numpy().astype(np.float32)
    data = dict(inputs=[torch.from_numpy(packed['imgs'])],
                data_samples=samples_with(cameras, 2))
    preprocessor = ViDiDiDataPreprocessor(orders=(0, 1),
                                          motion_compensation=SUPPLIED)
    inputs = preprocessor(data, training=True)['inputs']
    # orders (0, 1) take the first 9 frames and their cameras
    direct, masks = MotionCompensation(**SUPPLIED).derivatives(
        torch.from_numpy(frames[None, :9]).float(), (0, 1),
        torch.from_numpy(cameras[None, :9]))
    expected = preprocessor.normalise(direct[1][:, None], 1,
                                      masks[1][:, None])
    torch.testing.assert_close(inputs[1][:, 0],
                               expected.permute(0, 1, 5, 2, 3, 4)[:, 0])

    bare = ActionDataSample()
    bare.set_metainfo({'derivative_orders': (0, 1, 2)})
    with pytest.raises(ValueError, match='LoadCameraMotion'):
        preprocessor(dict(data, data_samples=[bare]), training=True)
    with pytest.raises(ValueError, match='camera_augment'):
        ViDiDiDataPreprocessor(motion_compensation=SUPPLIED,
                               camera_augment=dict(pan=0.1))


def test_the_generator_writes_each_videos_camera(tmp_path):
    spec = MotionDatasetSpec.preset('handheld', train_per_class=1,
                                    test_per_class=0, num_frames=12)
    generate_motion_dataset(tmp_path, spec, seed=3, write_camera=True)
    videos = sorted((tmp_path / 'videos' / 'train').glob('*/*.mp4'))
    assert len(videos) == len(spec.classes)
    first = videos[0]
    index = int(first.stem)
    rendered = render_scene(np.random.default_rng([3, 0, index]), spec,
                            index % len(spec.classes))
    np.testing.assert_array_equal(np.load(camera_file(first)),
                                  rendered.camera)


def test_the_cameras_of_a_whole_frame_clip_are_the_renderers(tmp_path):
    """Through LoadCameraMotion, the rendered handheld camera of a clip
    resized from 64 to 32 pixels gives the chains that camera_residual.py
    derives from the renderer's camera (tested against points carried
    through the world, tests/test_camera_residual.py)."""
    from tests.test_motion_benchmark import load_tool
    true_chains = load_tool('tools/benchmark/camera_residual.py').true_chains
    spec = MotionDatasetSpec.preset('handheld', num_frames=24)
    video = tmp_path / 'clip.mp4'
    for seed in range(4):
        camera = render_scene(np.random.default_rng(seed), spec, 0).camera
        np.save(camera_file(video), camera)
        inds = np.arange(3, 23, 2)
        results = LoadCameraMotion()(dict(
            filename=str(video), frame_inds=inds, original_shape=(64, 64),
            img_shape=(32, 32)))
        chains = camera_chains(
            torch.from_numpy(results[CAMERA_KEY]).double()[None], 3)[0]
        np.testing.assert_allclose(chains.numpy(),
                                   true_chains(camera[inds], 3, (64, 64), 32),
                                   atol=1e-5)
