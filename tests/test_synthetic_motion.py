"""The synthetic motion dataset: deterministic real videos labelled by motion,
camera ladder, natural textures, deforming movers, and no label leak."""
import hashlib
import importlib.util
import subprocess
import sys

import av
import cv2
import numpy as np
import pytest
from av.video.frame import PictureType
from mmaction.datasets import VideoDataset
from mmengine.registry import init_default_scope

from mmvididi.data_preparation import textures
from mmvididi.data_preparation.camera import (CAMERA_PRESETS, CameraMotion,
                                              apply, camera_path, invert,
                                              view_bounds)
from mmvididi.data_preparation.movers import draw_mover
from mmvididi.data_preparation.synthetic_motion import (
    MotionDatasetSpec, generate_motion_dataset, render_scene, render_video)
from tests.tiny_configs import ROOT

#: No distractors, noise or flicker: the target alone moves.
CLEAN = dict(distractors=(0, 0), noise=0.0, flicker=0.0)
SMALL = dict(size=(32, 32), num_frames=8)


def frame_digest(spec, seeds):
    digest = hashlib.sha256()
    for label, seed in enumerate(seeds):
        frames, path = render_video(np.random.default_rng(seed), spec, label)
        digest.update(frames.tobytes())
        digest.update(path.astype(np.float32).tobytes())
    return digest.hexdigest()


@pytest.mark.parametrize('label', range(8))
def test_the_target_moves_as_its_class_says(label):
    spec = MotionDatasetSpec.preset('static', **CLEAN)
    video = render_scene(np.random.default_rng(label), spec, label)
    assert video.frames.shape == (32, 64, 64, 3)
    assert video.frames.dtype == np.uint8
    direction, dynamics = spec.classes[label].rsplit('_', 1)
    steps = np.diff(video.path, axis=0)
    expected = {'right': (1, 0), 'left': (-1, 0), 'down': (0, 1), 'up': (0, -1)}
    assert np.sign(np.round(steps.mean(axis=0), 3)).tolist() == \
        list(expected[direction])
    speeds = np.linalg.norm(steps, axis=1)
    assert 0.6 * 64 <= speeds.sum() <= 0.9 * 64
    if dynamics == 'accelerating':  # from rest, speed growing linearly
        assert speeds[0] < 0.1 * speeds[-1]
        np.testing.assert_allclose(np.diff(speeds), np.diff(speeds)[0],
                                   rtol=1e-3)
    else:
        np.testing.assert_allclose(speeds, speeds[0], rtol=1e-4)
    # static camera: the view is the world; the target is drawn where it is
    np.testing.assert_array_equal(video.camera, np.broadcast_to(
        [[1, 0, 0], [0, 1, 0]], video.camera.shape))
    moved = np.abs(np.diff(video.frames.astype(int), axis=0)).sum(-1) > 0
    for t in (0, 15, 30):
        x, y = np.clip(np.round(video.view_path[t]).astype(int), 0, 63)
        assert moved[t, max(y - 6, 0):y + 7, max(x - 6, 0):x + 7].any()


@pytest.mark.parametrize('size', [(112, 112), (48, 80)])
def test_other_frame_sizes(size):
    spec = MotionDatasetSpec.preset('strong', size=size, num_frames=4, **CLEAN)
    video = render_scene(np.random.default_rng(0), spec, 0)
    assert video.frames.shape == (4, *size, 3)
    assert video.frames.std() > 10  # textured, not a blank border
    # the target covers its travel in frame sides of the shorter side
    assert 0.6 * min(size) <= np.linalg.norm(video.path[-1] - video.path[0]) \
        <= 0.9 * min(size)


def test_legacy_preset_is_the_first_benchmark_bit_for_bit():
    # digests of the generator at commit 253ba7f (before the realistic one)
    spec = MotionDatasetSpec.preset('legacy')
    assert spec.size == (64, 64) and spec.camera.is_static
    assert frame_digest(spec, [[0, 1, label] for label in range(8)]) == \
        '800f8a1bd517c30f36a3aad4c2ee841d29a122ca02a74625f7052df9bba5afe7'
    spec = MotionDatasetSpec.preset(
        'legacy', directions=8, dynamics=('constant', ), size=(48, 64),
        distractors=(0, 2), noise=0.0, num_frames=10, object_size=(1 / 3, 0.5))
    assert frame_digest(spec, [[5, label] for label in range(8)]) == \
        '693b60467319a0867179912518e52f4e74f62d92d274d11f5d17f11cbe4cb06a'


def test_same_seed_same_frames_other_seed_other_frames():
    spec = MotionDatasetSpec(**SMALL)
    assert frame_digest(spec, [[3, i] for i in range(4)]) == \
        frame_digest(spec, [[3, i] for i in range(4)])
    assert frame_digest(spec, [[3, i] for i in range(4)]) != \
        frame_digest(spec, [[4, i] for i in range(4)])


def test_every_rung_films_the_same_scene():
    # the camera draws from its own stream: same seed, same scene
    videos = {name: render_scene(np.random.default_rng(5),
                                 MotionDatasetSpec.preset(name, **SMALL), 2)
              for name in CAMERA_PRESETS}
    static = videos.pop('static')
    for video in videos.values():
        np.testing.assert_allclose(np.diff(video.path, axis=0),
                                   np.diff(static.path, axis=0))
        for a, b in zip(video.distractor_paths, static.distractor_paths):
            np.testing.assert_array_equal(a, b)
        assert not np.array_equal(video.camera, static.camera)
    # and the world's background is the same wherever a camera looks
    world = textures.world_texture(np.random.default_rng(0), 'photos',
                                   (32, 32))
    whole = world.canvas(np.array([-20, -10]), np.array([80, 60]))
    part = world.canvas(np.array([-5, 0]), np.array([40, 32]))
    np.testing.assert_array_equal(whole[10:42, 15:55], part)


def test_a_frozen_camera_films_the_same_scene_from_its_mid_video_pose():
    moving = render_scene(np.random.default_rng(5),
                          MotionDatasetSpec.preset('strong', **SMALL), 2)
    frozen = render_scene(np.random.default_rng(5), MotionDatasetSpec.preset(
        'strong', frozen_camera=True, **SMALL), 2)
    middle = SMALL['num_frames'] // 2
    np.testing.assert_array_equal(
        frozen.camera, np.repeat(moving.camera[middle][None], 8, axis=0))
    np.testing.assert_array_equal(frozen.path, moving.path)
    for a, b in zip(frozen.distractor_paths, moving.distractor_paths):
        np.testing.assert_array_equal(a, b)
    # the same frame where the poses agree (noise and flicker included),
    # other frames elsewhere
    np.testing.assert_array_equal(frozen.frames[middle], moving.frames[middle])
    assert not np.array_equal(frozen.frames[0], moving.frames[0])


def test_default_spec_is_the_realistic_handheld_rung():
    spec = MotionDatasetSpec()
    assert spec == MotionDatasetSpec.preset('handheld')
    assert spec.camera == CAMERA_PRESETS['handheld']
    assert spec.renderer == 'realistic' and spec.size == (64, 64)
    stamp = repr(spec)  # what tools/demo.py stamps on its dataset
    assert "texture_source='photos'" in stamp and 'shake=0.025' in stamp
    assert "texture_source='synthetic'" in repr(
        MotionDatasetSpec(texture_source='synthetic'))


def camera_motion_size(maps, size):
    """Mean displacement of the view's corners from frame to frame, pixels."""
    corners = np.array([[0, 0], [size, 0], [0, size], [size, size]], float)
    world = apply(maps, np.broadcast_to(corners, (len(maps), 4, 2)))
    return np.linalg.norm(np.diff(world, axis=0), axis=-1).mean()


def test_camera_ladder_grows_and_static_is_still():
    motion = {}
    for name, camera in CAMERA_PRESETS.items():
        motion[name] = np.mean([camera_motion_size(
            camera_path(np.random.default_rng(i), camera, 32, (64, 64)), 64)
            for i in range(20)])
    assert motion['static'] == 0
    assert 0 < motion['mild'] < motion['handheld'] < motion['strong']
    # static: every frame is the identity, so the world is not resampled
    maps = camera_path(np.random.default_rng(0), CAMERA_PRESETS['static'], 8,
                       (64, 64))
    np.testing.assert_array_equal(maps, np.broadcast_to(
        [[1, 0, 0], [0, 1, 0]], maps.shape))


def autocorrelation(x):
    x = x - x.mean(axis=0)
    return (x[1:] * x[:-1]).sum() / (x * x).sum()


def test_hand_held_shake_is_a_smooth_walk_and_jitter_is_not():
    def offsets(camera):  # the view's position in each frame of 20 videos
        return np.stack([camera_path(
            np.random.default_rng(i), camera, 32, (64, 64))[:, :, 2]
            for i in range(20)])
    shake = offsets(CameraMotion(shake=0.05))
    jitter = offsets(CameraMotion(jitter=0.05))
    assert np.mean([autocorrelation(x) for x in shake]) > 0.9  # low frequency
    assert abs(np.mean([autocorrelation(x) for x in jitter])) < 0.2  # white
    rms = np.sqrt((shake**2).sum(axis=-1).mean())
    assert 0.5 * 0.05 * 64 < rms < 0.05 * 64 * np.sqrt(2)


@pytest.mark.parametrize('name', ['mild', 'handheld', 'strong'])
def test_the_canvas_holds_every_view(name):
    # the world is rendered larger than the view: no frame reads outside it
    for seed in range(10):
        maps = camera_path(np.random.default_rng(seed), CAMERA_PRESETS[name],
                           32, (64, 48))
        origin, extent = view_bounds(maps, (64, 48), margin=0)
        pixels = np.stack(np.meshgrid([0, 47], [0, 63]), -1).reshape(-1, 2)
        world = apply(maps, np.broadcast_to(pixels, (32, 4, 2)).astype(float))
        assert (world >= origin).all() and (world <= origin + extent).all()
        np.testing.assert_allclose(apply(invert(maps), world),
                                   np.broadcast_to(pixels, world.shape),
                                   atol=1e-9)


def test_whole_scene_moves_with_the_camera():
    # a pure pan: the rendered frame t + 1 is frame t shifted by the pan
    spec = MotionDatasetSpec(camera=CameraMotion(pan=0.5), travel=(0, 0),
                             deformation=0.0, distractors=(2, 2),
                             distractor_motion=0.0, size=(64, 64),
                             num_frames=8, noise=0.0, flicker=0.0)
    video = render_scene(np.random.default_rng(1), spec, 0)
    shift = np.diff(video.camera[:, :, 2], axis=0)
    np.testing.assert_allclose(shift, np.broadcast_to(shift[0], shift.shape),
                               atol=1e-9)
    dx, dy = shift[0]
    assert np.hypot(dx, dy) > 1
    first, second = (f.astype(float) for f in video.frames[:2])
    matrix = np.float32([[1, 0, dx], [0, 1, dy]])
    moved = cv2.warpAffine(first, matrix, (64, 64), flags=cv2.INTER_LINEAR
                           | cv2.WARP_INVERSE_MAP)
    inner = (slice(8, -8), slice(8, -8))
    # bilinear twice against once: close, and far closer than no shift
    assert np.abs(second - moved)[inner].mean() < \
        0.5 * np.abs(second - first)[inner].mean()


def test_photo_textures_vary_and_synthetic_ones_have_a_1_over_f_spectrum():
    rng = np.random.default_rng(0)
    photos = [textures.texture(rng, 'photos', 48, 64) for _ in range(6)]
    assert all(p.shape == (48, 64, 3) and p.dtype == np.float32
               for p in photos)
    means = {tuple(np.round(p.reshape(-1, 3).mean(0), -1)) for p in photos}
    assert len(means) == 6  # crops, scales and colour shifts differ
    assert min(p.mean(-1).std() for p in photos) > 5  # textured, not flat

    slopes = []
    for _ in range(4):
        grey = textures.texture(rng, 'synthetic', 128, 128).mean(-1)
        power = np.abs(np.fft.fft2(grey - grey.mean()))**2
        f = np.hypot(*np.meshgrid(np.fft.fftfreq(128), np.fft.fftfreq(128)))
        band = (f > 0.02) & (f < 0.4)
        slopes.append(np.polyfit(np.log(f[band]), np.log(power[band]), 1)[0])
    # natural images: power ~ 1/f**2 (amplitude exponents 0.8..1.4 drawn)
    assert all(-3.0 < s < -1.4 for s in slopes), slopes


def test_photos_without_scikit_image_is_a_clear_error(monkeypatch):
    textures.load_photos.cache_clear()
    monkeypatch.setitem(sys.modules, 'skimage', None)
    monkeypatch.setitem(sys.modules, 'skimage.data', None)
    try:
        with pytest.raises(ImportError, match="texture_source='synthetic'"):
            render_scene(np.random.default_rng(0), MotionDatasetSpec(**SMALL), 0)
        # an explicit choice works without it
        spec = MotionDatasetSpec(texture_source='synthetic', **SMALL)
        assert render_scene(np.random.default_rng(0), spec, 0).frames.any()
    finally:
        textures.load_photos.cache_clear()


@pytest.mark.parametrize('kind', ['blob', 'limb', 'shape'])
def test_movers_deform_unless_rigid(kind):
    def masks(deformation):
        mover = draw_mover(np.random.default_rng(2), (kind, ), 20.0,
                           deformation,
                           lambda h, w: np.full((h, w, 3), 100, np.float32))
        return [mover.sprite(t, np.array([50.0, 50.0]))[2][..., 3]
                for t in range(0, 24, 4)]
    rigid, living = masks(0.0), masks(1.0)
    for mask in rigid[1:]:
        np.testing.assert_allclose(mask, rigid[0], atol=1e-5)
    changes = [np.abs(m - living[0]).sum() for m in living[1:]]
    assert max(changes) > 20  # pixels of outline moved
    areas = [m.sum() for m in living]
    assert 0.5 < min(areas) / max(areas) <= 1  # it deforms, it does not vanish


def test_distractors_wander_flicker_is_a_global_gain():
    spec = MotionDatasetSpec.preset('static', distractors=(2, 2),
                                    distractor_motion=0.3, **SMALL)
    video = render_scene(np.random.default_rng(0), spec, 0)
    assert len(video.distractor_paths) == 2
    for path in video.distractor_paths:
        assert np.linalg.norm(path[-1] - path[0]) > 0.1
    # a still target, no noise: frames differ only by the flicker's gain
    spec = MotionDatasetSpec.preset('static', travel=(0, 0), deformation=0.0,
                                    distractor_motion=0.0, noise=0.0,
                                    flicker=0.1, **SMALL)
    frames = render_scene(np.random.default_rng(0), spec, 0).frames.astype(
        float)
    ratio = frames.mean(axis=(1, 2, 3)) / frames[0].mean()
    assert ratio.std() > 0.02
    gained = frames[0] * ratio[:, None, None, None]
    unsaturated = (frames[0] > 20) & (frames[0] < 200)
    assert np.abs(frames - gained)[:, unsaturated].mean() < 1.5
    still = MotionDatasetSpec.preset('static', travel=(0, 0), deformation=0.0,
                                     distractor_motion=0.0, noise=0.0,
                                     flicker=0.0, **SMALL)
    frames = render_scene(np.random.default_rng(0), still, 0).frames
    assert (frames == frames[0]).all()


def ridge_classifier(train_x, train_y, test_x, classes, l2=1.0):
    """One-vs-rest least squares on standardised features."""
    mean, std = train_x.mean(0), train_x.std(0) + 1e-8

    def design(x):
        return np.hstack([(x - mean) / std, np.ones((len(x), 1))])

    x = design(train_x)
    weights = np.linalg.solve(x.T @ x + l2 * np.eye(x.shape[1]),
                              x.T @ np.eye(classes)[train_y])
    return (design(test_x) @ weights).argmax(1)


def leak_features(video, size):
    """Per video: what one frame shows (the target's position in the view,
    as a perfect detector would see it, and the coarse picture) and what
    three frames show (the target's displacements)."""
    def position(t):
        x, y = video.view_path[t] / size - 0.5
        return [x, y, x * x, y * y, x * y]

    def coarse(t):
        grey = video.frames[t].mean(-1).astype(np.float32)
        return cv2.resize(grey, (4, 4), interpolation=cv2.INTER_AREA).ravel()

    last = len(video.frames) - 1
    a, b, c = (apply(invert(video.camera[t]), video.path[t][None])[0]
               for t in (0, last // 2, last))
    return {'position, first frame': position(0),
            'position, last frame': position(last),
            'pixels, first frame': coarse(0),
            'pixels, last frame': coarse(last),
            'trajectory, 3 frames': [*(b - a), *(c - b)]}


def leak_accuracies(spec, per_class=(16, 12)):
    classes = len(spec.classes)
    data = {}
    for split, count in zip((0, 1), per_class):
        rows = [(leak_features(render_scene(np.random.default_rng(
            [7, split, i]), spec, i % classes), spec.size[0]), i % classes)
                for i in range(count * classes)]
        data[split] = rows
    labels = {s: np.array([y for _, y in data[s]]) for s in data}
    accuracy = {}
    for name in data[0][0][0]:
        x = {s: np.array([f[name] for f, _ in data[s]], float) for s in data}
        predicted = ridge_classifier(x[0], labels[0], x[1], classes)
        accuracy[name] = (predicted == labels[1]).mean()
    chance = 1 / classes
    n = len(labels[1])
    bound = chance + 3 * np.sqrt(chance * (1 - chance) / n)
    return accuracy, bound


def test_one_frame_does_not_tell_the_class_three_frames_do():
    # 128 train and 96 test videos, 8 classes: chance 12.5 %, and 3 binomial
    # standard deviations above it 22.6 %
    accuracy, bound = leak_accuracies(MotionDatasetSpec(size=(32, 32),
                                                        num_frames=6))
    for name, value in accuracy.items():
        if name.startswith('trajectory'):
            assert value > 2 * bound, (name, accuracy)
        else:
            assert value < bound, (name, accuracy)


def test_the_leak_test_catches_the_first_benchmarks_leak():
    # its start position kept the path inside the frame: where the object is
    # tells where it goes
    spec = MotionDatasetSpec.preset('legacy', num_frames=6)
    accuracy, bound = leak_accuracies(spec)
    assert accuracy['position, first frame'] > 1.5 * bound, accuracy
    assert accuracy['position, last frame'] > 1.5 * bound, accuracy


def test_generation_is_deterministic_readable_and_compressed(tmp_path):
    spec = MotionDatasetSpec(train_per_class=1, test_per_class=1, num_frames=12)
    for name, workers in (('a', 1), ('b', 2)):
        generate_motion_dataset(tmp_path / name, spec, seed=3, workers=workers)
    a, b = (sorted((tmp_path / n / 'videos').rglob('*.mp4')) for n in 'ab')
    assert len(a) == 16
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    for listing in ('train_videos.txt', 'test_videos.txt', 'label_map.txt'):
        assert (tmp_path / 'a' / listing).read_text() == \
            (tmp_path / 'b' / listing).read_text()
    with av.open(str(a[0])) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.has_b_frames
        kinds = {PictureType(frame.pict_type)
                 for frame in container.decode(stream)}
    assert PictureType.B in kinds  # B-frames, as in real H.264 footage
    init_default_scope('mmaction')
    dataset = VideoDataset(str(tmp_path / 'a' / 'train_videos.txt'), pipeline=[
        dict(type='VideoInit'),
        dict(type='SampleFrames', clip_len=4, num_clips=1),
        dict(type='VideoDecode')],
        data_prefix=dict(video=str(tmp_path / 'a' / 'videos')))
    sample = dataset[5]
    assert sample['label'] == 5 and len(sample['imgs']) == 4
    assert (tmp_path / 'a' / 'label_map.txt').read_text().split() == spec.classes

    # a higher CRF spends fewer bytes on the same frames
    sizes = []
    for crf in (18, 36):
        root = tmp_path / f'crf{crf}'
        generate_motion_dataset(root, spec.replace(crf=crf, test_per_class=0),
                                seed=3)
        sizes.append(sum(p.stat().st_size
                         for p in (root / 'videos').rglob('*.mp4')))
    assert sizes[1] < 0.7 * sizes[0]


def test_spec_rejects_what_it_cannot_render():
    with pytest.raises(ValueError, match='directions=3'):
        MotionDatasetSpec(directions=3)
    with pytest.raises(ValueError, match='dynamics='):
        MotionDatasetSpec(dynamics=('spinning', ))
    with pytest.raises(ValueError, match='size='):
        MotionDatasetSpec(size=(63, 64))
    with pytest.raises(ValueError, match='preset'):
        MotionDatasetSpec.preset('tripod')
    with pytest.raises(ValueError, match='texture_source='):
        MotionDatasetSpec(texture_source='paintings')
    with pytest.raises(ValueError, match="renderer='legacy' has no camera"):
        MotionDatasetSpec.preset('legacy', camera=CAMERA_PRESETS['mild'])
    with pytest.raises(ValueError, match='crf and bitrate'):
        MotionDatasetSpec(bitrate='100k')
    with pytest.raises(ValueError, match="renderer='legacy' has no "
                       'frozen_camera'):
        MotionDatasetSpec.preset('legacy', frozen_camera=True)


def test_generate_tool(tmp_path):
    out = subprocess.run(
        [sys.executable, 'tools/data/synthetic_motion/generate.py',
         str(tmp_path), '--train-per-class', '1', '--test-per-class', '1',
         '--directions', '8', '--dynamics', 'constant', '--num-frames', '8',
         '--camera', 'strong', '--size', '48', '48', '--texture-source',
         'synthetic', '--crf', '30', '--shake', '0.1'],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert '8 classes' in out and 's a video' in out
    assert "texture_source='synthetic'" in out and 'shake=0.1' in out
    assert 'crf=30' in out and 'pan=0.5' in out  # the rest from 'strong'
    assert len((tmp_path / 'test_videos.txt').read_text().splitlines()) == 8
    with av.open(str(next((tmp_path / 'videos').rglob('*.mp4')))) as video:
        assert video.streams.video[0].codec_context.height == 48


def test_generate_tool_options_pick_a_preset_and_override_it(monkeypatch):
    module = importlib.util.spec_from_file_location(
        'generate', ROOT / 'tools/data/synthetic_motion/generate.py')
    generate = importlib.util.module_from_spec(module)
    module.loader.exec_module(generate)

    def spec_of(*argv):
        monkeypatch.setattr(sys, 'argv', ['generate.py', 'root', *argv])
        return generate.build_spec(generate.parse_args())

    assert spec_of() == MotionDatasetSpec()
    assert spec_of('--legacy') == MotionDatasetSpec.preset('legacy')
    assert spec_of('--camera', 'mild', '--zoom', '0') == \
        MotionDatasetSpec(camera=CameraMotion(pan=0.1, rotation=2.0,
                                              shake=0.01, jitter=0.002))
    assert spec_of('--bitrate', '80k').encoder_options() == \
        {'b': '80k', 'bf': '2', 'x264-params': 'mbtree=0'}
    assert spec_of('--camera', 'static', '--frozen-camera') == \
        MotionDatasetSpec.preset('static', frozen_camera=True)
    with pytest.raises(SystemExit):
        spec_of('--legacy', '--pan', '0.1')
