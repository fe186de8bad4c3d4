"""Motion probes: clips at speeds and directions of real encoded videos, linear
probes split by source video, from tools/test.py."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmengine import Config
from mmengine.registry import init_default_scope

from mmvididi.datasets import MotionProbeDataset
from mmvididi.datasets.transforms import MotionProbeSampleFrames
from mmvididi.evaluation import MotionProbeMetric
from mmvididi.evaluation.motion_probe import (motion_energy, probe_accuracies,
                                              shuffle_sensitivity,
                                              source_folds)
from mmvididi.utils import write_video
from tests.readme import cfg_options, run_readme_command

ROOT = Path(__file__).parents[1]
CONFIG = ROOT / 'configs/probes/motion_probe_synthetic_motion_tiny.py'
NUM_VIDEOS, NUM_FRAMES, SIZE, OBJECT = 10, 36, 48, 14


pytestmark = pytest.mark.usefixtures('one_torch_thread')


def smooth_texture(rng: np.random.Generator, height: int, width: int,
                   cell: int) -> np.ndarray:
    """uint8 RGB texture: random colours on a ``cell``-pixel grid, upsampled
    bilinearly (edges everywhere, as in natural images, at several scales)."""
    coarse = rng.integers(0, 256, (height // cell + 2, width // cell + 2, 3))
    ys = np.arange(height) / cell
    xs = np.arange(width) / cell
    y0, x0 = ys.astype(int), xs.astype(int)
    fy, fx = (ys - y0)[:, None, None], (xs - x0)[None, :, None]
    top = coarse[y0][:, x0] * (1 - fx) + coarse[y0][:, x0 + 1] * fx
    bottom = coarse[y0 + 1][:, x0] * (1 - fx) + coarse[y0 + 1][:, x0 + 1] * fx
    return (top * (1 - fy) + bottom * fy).astype(np.uint8)


def moving_object_video(seed: int, num_frames: int = NUM_FRAMES) -> np.ndarray:
    """A textured square gliding steadily (0.5-0.8 pixels a frame, any
    direction, never leaving the frame) over a static textured background:
    speed and direction are what change between a video's probe clips."""
    rng = np.random.default_rng(seed)
    background = smooth_texture(rng, SIZE, SIZE, cell=int(rng.integers(4, 8)))
    side = OBJECT
    thing = smooth_texture(rng, side, side, cell=int(rng.integers(3, 6)))
    speed, angle = rng.uniform(0.5, 0.8), rng.uniform(0, 2 * np.pi)
    velocity = speed * np.array([np.cos(angle), np.sin(angle)])
    travel = velocity * (num_frames - 1)
    low = np.maximum(0, -travel)
    high = np.minimum(SIZE - side, SIZE - side - travel)
    start = rng.uniform(low, high)
    frames = np.repeat(background[None], num_frames, axis=0)
    for t in range(num_frames):
        x, y = np.round(start + velocity * t).astype(int)
        frames[t, y:y + side, x:x + side] = thing
    return frames


@pytest.fixture(scope='module')
def probe_videos(tmp_path_factory) -> Path:
    """``videos/`` of ``NUM_VIDEOS`` H.264 videos and ``list.txt`` (with a
    label column, which the probe ignores), plus ``with_short.txt`` that also
    lists a video too short for a 4x clip."""
    root = tmp_path_factory.mktemp('probe')
    lines = []
    for i in range(NUM_VIDEOS):
        name = f'video_{i:02d}.mp4'
        write_video(root / 'videos' / name, moving_object_video(i))
        lines.append(f'{name} {i % 3}')
    (root / 'list.txt').write_text('\n'.join(lines) + '\n')
    write_video(root / 'videos' / 'short.mp4', moving_object_video(99, 20))
    (root / 'with_short.txt').write_text('\n'.join(lines[:2] + ['short.mp4']))
    return root


def probe_dataset(root: Path, ann_file: str = 'list.txt', **kwargs):
    init_default_scope('mmaction')
    cfg = Config.fromfile(CONFIG).test_dataloader.dataset
    cfg.update(data_root=str(root), ann_file=ann_file, **kwargs)
    cfg.pop('type')
    return MotionProbeDataset(**cfg)


def test_every_video_becomes_six_variants_and_a_shuffled_clip(probe_videos):
    dataset = probe_dataset(probe_videos, num_positions=2)
    assert len(dataset) == NUM_VIDEOS * 2 * 7
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    first = [(i['probe_speed'], i['probe_reversed'], i['probe_shuffled'])
             for i in infos[:7]]
    assert first == [(1, False, False), (1, True, False), (2, False, False),
                     (2, True, False), (4, False, False), (4, True, False),
                     (1, False, True)]
    assert sorted({i['probe_source'] for i in infos}) == list(range(NUM_VIDEOS))


def test_videos_too_short_for_the_fastest_clip_are_left_out(probe_videos):
    dataset = probe_dataset(probe_videos, ann_file='with_short.txt')
    assert len(dataset) == 2 * 7  # 20 frames < 29 that 8 frames at 4x span
    assert not any('short' in dataset.get_data_info(i)['filename']
                   for i in range(len(dataset)))
    strict = probe_dataset(probe_videos, ann_file='with_short.txt',
                           skip_short=False)
    with pytest.raises(RuntimeError, match=r'short\.mp4 has 20 frames, but '
                       r'its 4x clip spans 29: lower clip_len'):
        strict.prepare_data(len(strict) - 1)


def sampled(speed: int, reverse: bool = False, shuffle: bool = False,
            position: int = 0, positions: int = 1, total: int = 60) -> list:
    results = dict(filename='v.mp4', total_frames=total, probe_source=3,
                   probe_speed=speed, probe_reversed=reverse,
                   probe_shuffled=shuffle, probe_position=position,
                   probe_num_positions=positions, probe_max_speed=4,
                   probe_clip_len=8, probe_frame_interval=2, probe_seed=0)
    return MotionProbeSampleFrames()(results)['frame_inds'].tolist()


def test_clips_share_their_centre_and_differ_in_stride_and_order():
    one, two, four = sampled(1), sampled(2), sampled(4)
    assert np.diff(one).tolist() == [2] * 7 and np.diff(four).tolist() == [8] * 7
    assert np.diff(two).tolist() == [4] * 7
    centres = [np.mean(x) for x in (one, two, four)]
    assert max(centres) - min(centres) <= 1
    assert four[0] >= 0 and four[-1] <= 59
    assert sampled(2, reverse=True) == two[::-1]
    shuffled = sampled(1, shuffle=True)
    assert sorted(shuffled) == one and shuffled != one
    assert shuffled == sampled(1, shuffle=True)  # seeded
    # positions spread the centres over the video
    assert sampled(1, position=0, positions=2)[0] < sampled(
        1, position=1, positions=2)[0]


def test_folds_never_put_a_source_video_on_both_sides():
    sources = np.repeat(np.arange(23), 6)
    folds = source_folds(sources, num_folds=5, seed=1)
    for video in range(23):
        assert len(set(folds[sources == video])) == 1
    counts = np.bincount(folds) // 6
    assert counts.max() - counts.min() <= 1 and len(counts) == 5
    assert (folds == source_folds(sources, 5, seed=1)).all()
    assert (folds != source_folds(sources, 5, seed=2)).any()


def probe_results(features: torch.Tensor, num_videos: int) -> list:
    """Metric results of ``num_videos`` x 6 clips (no shuffled ones)."""
    results = []
    for i, feature in enumerate(features):
        video, variant = divmod(i, 6)
        results.append(dict(feature=feature, probe_source=video,
                            probe_speed=(1, 2, 4)[variant // 2],
                            probe_reversed=bool(variant % 2),
                            probe_shuffled=False, probe_position=0))
    return results


def test_a_random_feature_scores_chance():
    """Cross-validated accuracies of a random feature scatter around chance
    by several points (folds share training clips): the mean of 4 seeds is
    within 5 points of it."""
    accuracies = []
    for seed in range(4):
        features = torch.randn(60 * 6, 16,
                               generator=torch.Generator().manual_seed(seed))
        metrics = MotionProbeMetric(motion_energy=False).compute_metrics(
            probe_results(features, 60))
        accuracies.append([metrics[t] for t in ('speed', 'direction', 'joint')])
    assert metrics['speed_chance'] == pytest.approx(100 / 3)
    assert metrics['direction_chance'] == 50
    assert metrics['joint_chance'] == pytest.approx(100 / 6)
    assert np.abs(np.mean(accuracies, axis=0) -
                  [100 / 3, 50, 100 / 6]).max() < 5


def test_a_feature_that_holds_the_labels_is_read_perfectly():
    labels = torch.arange(60 * 6) % 6  # speed * 2 + reversed
    features = torch.nn.functional.one_hot(labels, 6).float() + \
        0.1 * torch.randn(360, 6, generator=torch.Generator().manual_seed(0))
    metrics = probe_accuracies(features, labels // 2, labels % 2,
                               np.repeat(np.arange(60), 6))
    assert metrics['speed'] == metrics['direction'] == metrics['joint'] == 100


def test_shuffle_sensitivity_is_zero_for_an_order_blind_feature():
    features = torch.randn(4, 8, generator=torch.Generator().manual_seed(0))
    assert shuffle_sensitivity(features, features.clone()) == pytest.approx(0)
    assert shuffle_sensitivity(features, -features) == pytest.approx(2)


def test_motion_energy_against_a_direct_computation():
    frames = torch.randint(0, 256, (2, 5, 4, 6, 3),
                           generator=torch.Generator().manual_seed(0))
    x = frames.double().numpy()

    def log_rms(a):
        return np.log(np.sqrt(np.mean(a ** 2)) + 1e-3)

    per_view = [[log_rms(np.diff(v, axis=0)), log_rms(np.diff(v, 2, axis=0)),
                 np.log(np.sqrt(np.mean(np.concatenate([
                     np.diff(v, axis=2).ravel() ** 2,
                     np.diff(v, axis=1).ravel() ** 2]))) + 1e-3)] for v in x]
    np.testing.assert_allclose(motion_energy(frames).numpy(),
                               np.mean(per_view, axis=0), rtol=1e-12)
    # blind to direction: a reversed clip has the same feature
    torch.testing.assert_close(motion_energy(frames.flip(1)),
                               motion_energy(frames))


OWN_VIDEOS = ('python tools/test.py configs/probes/motion_probe_ucf101_split1.py '
              'CHECKPOINT --cfg-options '
              'test_dataloader.dataset.ann_file=my_videos.txt '
              'test_dataloader.dataset.data_prefix.video=my_videos/')


def test_readme_probe_command_on_your_own_videos(probe_videos, tmp_path):
    """The README's tools/test.py line for your own list, in a fresh process,
    shrunk (thin R3D-18, 8 frames of 32 x 32): the motion-energy floor reads
    speed well above chance and direction at exactly chance (it is
    time-symmetric); the model's numbers are there."""
    config = 'probes/motion_probe_ucf101_split1.py'
    cfg = Config.fromfile(ROOT / 'configs' / config)
    cfg.model.backbone.base_channels = 8
    cfg.model.neck.in_channels = 64
    loader = cfg.test_dataloader
    loader.update(num_workers=0, persistent_workers=False)
    loader.dataset.clip_len = 8  # 29 frames at 4x: the videos have 36
    for transform in loader.dataset.pipeline:
        if transform.type == 'Resize':
            transform.scale = (-1, 32)
        if transform.type == 'CenterCrop':
            transform.crop_size = 32
    init_default_scope('mmaction')
    torch.manual_seed(0)
    checkpoint = tmp_path / 'random_init.pth'
    torch.save(dict(state_dict=MODELS.build(cfg.model).state_dict()), checkpoint)
    result = run_readme_command(
        OWN_VIDEOS, '--work-dir', tmp_path / 'work', '--cfg-options',
        *cfg_options(config, cfg), replace={
            'CHECKPOINT': checkpoint,
            'test_dataloader.dataset.ann_file=my_videos.txt':
                f'test_dataloader.dataset.ann_file={probe_videos / "list.txt"}',
            'test_dataloader.dataset.data_prefix.video=my_videos/':
                'test_dataloader.dataset.data_prefix.video='
                f'{probe_videos / "videos"}'}, cwd=tmp_path)
    metrics = {key: float(value) for key, value in re.findall(
        r'(motion_probe/[\w/]+): (-?[\d.]+)', result.stdout + result.stderr)}
    assert metrics['motion_probe/num_videos'] == NUM_VIDEOS
    assert metrics['motion_probe/num_clips'] == NUM_VIDEOS * 7
    assert metrics['motion_probe/motion_energy/speed'] >= 70  # chance 33.3
    assert metrics['motion_probe/motion_energy/direction'] == 50
    assert metrics['motion_probe/motion_energy/shuffle_sensitivity'] > 0
    for task in ('speed', 'direction', 'joint'):
        assert 0 <= metrics[f'motion_probe/{task}'] <= 100
    assert metrics['motion_probe/shuffle_sensitivity'] > 0  # 3D convolutions


def test_probe_models_tool_computes_features_once_per_model(probe_videos,
                                                            tmp_path):
    """tools/benchmark/probe_models.py: a checkpoint and the random encoder
    on a video list, two fold seeds each from one feature pass; a JSON line
    per model and fold seed, the table, the tools/test.py command."""
    config = 'configs/probes/motion_probe_synthetic_motion_tiny.py'
    init_default_scope('mmaction')
    torch.manual_seed(1)
    checkpoint = tmp_path / 'other_init.pth'
    torch.save(dict(state_dict=MODELS.build(
        Config.fromfile(ROOT / config).model).state_dict()), checkpoint)
    log = tmp_path / 'probes.jsonl'
    run = subprocess.run(
        [sys.executable, 'tools/benchmark/probe_models.py', config,
         str(probe_videos), '--ann-file', 'list.txt', '--model',
         f'other={checkpoint}', '--fold-seeds', '0', '1', '--num-positions',
         '1', '--work-dir', str(tmp_path / 'work'), '--log', str(log)],
        cwd=ROOT, capture_output=True, text=True,
        env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert run.returncode == 0, run.stderr[-3000:]
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r['model'], r['fold_seed']) for r in lines] == [
        ('random encoder', 0), ('random encoder', 1), ('other', 0),
        ('other', 1)]
    for r in lines:
        assert r['num_videos'] == NUM_VIDEOS and r['num_clips'] == NUM_VIDEOS * 7
        assert 0 <= r['joint'] <= 100 and r['joint_chance'] == pytest.approx(
            100 / 6)
    # the hand-made floor depends on the frames and the split only
    for seed in (0, 1):
        floors = {r['motion_energy/speed'] for r in lines
                  if r['fold_seed'] == seed}
        assert len(floors) == 1
    # one feature pass a model: the shuffle score does not depend on the split
    assert lines[0]['shuffle_sensitivity'] == lines[1]['shuffle_sensitivity']
    assert lines[0]['shuffle_sensitivity'] != lines[2]['shuffle_sensitivity']
    assert '| random encoder | ' in run.stdout
    assert '| motion energy (hand-made) | ' in run.stdout
    assert (f'other: python tools/test.py {config} {checkpoint} --cfg-options '
            f'test_dataloader.dataset.data_root={probe_videos} '
            'test_dataloader.dataset.ann_file=list.txt') in run.stdout


def test_probe_models_tool_passes_config_options_to_every_model(probe_videos,
                                                                tmp_path):
    """--cfg-options: the preprocessing a model was trained with (here
    stabilised clips) applies to every model probed, is recorded in each JSON
    line and is part of the tools/test.py command it prints."""
    config = 'configs/probes/motion_probe_synthetic_motion_tiny.py'
    options = ['model.data_preprocessor.motion_compensation.model=similarity',
               'model.data_preprocessor.motion_compensation.stabilize=True']
    lines = {}
    for name, extra in (('plain', []), ('stabilised', ['--cfg-options'] + options)):
        log = tmp_path / f'{name}.jsonl'
        run = subprocess.run(
            [sys.executable, 'tools/benchmark/probe_models.py', config,
             str(probe_videos), '--ann-file', 'list.txt', '--model',
             f'{name}={probe_checkpoint(tmp_path, config)}', '--no-random',
             '--fold-seeds', '0', '--num-positions', '1', '--work-dir',
             str(tmp_path / name), '--log', str(log)] + extra,
            cwd=ROOT, capture_output=True, text=True,
            env=dict(os.environ, OMP_NUM_THREADS='1'))
        assert run.returncode == 0, run.stderr[-3000:]
        lines[name] = json.loads(log.read_text())
    assert lines['plain']['cfg_options'] == {}
    assert lines['stabilised']['cfg_options'] == {
        'model.data_preprocessor.motion_compensation.model': 'similarity',
        'model.data_preprocessor.motion_compensation.stabilize': True}
    # the same weights see other clips: stabilised, the border has no data
    assert lines['plain']['shuffle_sensitivity'] != \
        lines['stabilised']['shuffle_sensitivity']
    assert run.stdout.rstrip().endswith(' ' + ' '.join(options))


def probe_checkpoint(tmp_path, config: str):
    """The probe config's model as built, seeded 1, saved once."""
    checkpoint = tmp_path / 'seeded1.pth'
    if not checkpoint.exists():
        init_default_scope('mmaction')
        torch.manual_seed(1)
        torch.save(dict(state_dict=MODELS.build(
            Config.fromfile(ROOT / config).model).state_dict()), checkpoint)
    return checkpoint
