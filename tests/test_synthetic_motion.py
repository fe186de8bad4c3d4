"""The synthetic motion dataset: deterministic real videos labelled by motion."""
import subprocess
import sys

import numpy as np
import pytest
from mmaction.datasets import VideoDataset
from mmengine.registry import init_default_scope

from mmvididi.data_preparation.synthetic_motion import (
    MotionDatasetSpec, generate_motion_dataset, render_video)
from tests.tiny_configs import ROOT

CLEAN = dict(distractors=(0, 0), noise=0.0, jitter=0)


@pytest.mark.parametrize('label', range(8))
def test_the_object_moves_as_its_class_says(label):
    spec = MotionDatasetSpec(**CLEAN)
    frames, path = render_video(np.random.default_rng(label), spec, label)
    assert frames.shape == (32, 64, 64, 3) and frames.dtype == np.uint8
    direction, dynamics = spec.classes[label].rsplit('_', 1)
    steps = np.diff(path, axis=0)
    expected = {'right': (1, 0), 'left': (-1, 0), 'down': (0, 1), 'up': (0, -1)}
    assert np.sign(np.round(steps.mean(axis=0), 3)).tolist() == \
        list(expected[direction])
    speeds = np.linalg.norm(steps, axis=1)
    if dynamics == 'accelerating':  # from rest, speed growing linearly
        assert speeds[0] < 0.1 * speeds[-1]
        np.testing.assert_allclose(np.diff(speeds), np.diff(speeds)[0], rtol=1e-3)
    else:
        np.testing.assert_allclose(speeds, speeds[0], rtol=1e-4)
    # the whole path stays inside the frame, and the object is drawn on it
    assert path.min() >= 0 and path.max() <= 64 - spec.object_size[0]
    moved = np.abs(frames[-1].astype(int) - frames[0]).sum(axis=-1) > 0
    x, y = np.round(path[-1]).astype(int)
    assert moved[y:y + 8, x:x + 8].any()


def test_appearance_varies_but_not_with_the_class():
    spec = MotionDatasetSpec()
    first = [render_video(np.random.default_rng([0, i]), spec, 0)[0][0]
             for i in range(6)]
    colours = {tuple(np.round(f.reshape(-1, 3).mean(0), -1)) for f in first}
    assert len(colours) > 3  # backgrounds differ within one class


def test_generation_is_deterministic_and_readable(tmp_path):
    spec = MotionDatasetSpec(train_per_class=1, test_per_class=1, num_frames=12)
    for name in ('a', 'b'):
        generate_motion_dataset(tmp_path / name, spec, seed=3)
    a, b = (sorted((tmp_path / n / 'videos').rglob('*.mp4')) for n in 'ab')
    assert len(a) == 16
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    init_default_scope('mmaction')
    dataset = VideoDataset(str(tmp_path / 'a' / 'train_videos.txt'), pipeline=[
        dict(type='DecordInit'),
        dict(type='SampleFrames', clip_len=4, num_clips=1),
        dict(type='ExactVideoDecode')],
        data_prefix=dict(video=str(tmp_path / 'a' / 'videos')))
    sample = dataset[5]
    assert sample['label'] == 5 and len(sample['imgs']) == 4
    assert (tmp_path / 'a' / 'label_map.txt').read_text().split() == spec.classes


def test_spec_rejects_unknown_classes():
    with pytest.raises(ValueError, match='directions=3'):
        MotionDatasetSpec(directions=3)
    with pytest.raises(ValueError, match='dynamics='):
        MotionDatasetSpec(dynamics=('spinning', ))


def test_generate_tool(tmp_path):
    out = subprocess.run(
        [sys.executable, 'tools/data/synthetic_motion/generate.py',
         str(tmp_path), '--train-per-class', '1', '--test-per-class', '1',
         '--directions', '8', '--dynamics', 'constant', '--num-frames', '8'],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert '8 classes' in out
    assert len((tmp_path / 'test_videos.txt').read_text().splitlines()) == 8
