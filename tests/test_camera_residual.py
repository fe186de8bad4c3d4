"""tools/benchmark/camera_residual.py: the camera motion a stabilised clip
keeps, against the renderer's true camera."""
import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from mmvididi.data_preparation.camera import (CameraMotion, apply, camera_path,
                                              invert)
from tests.test_motion_benchmark import ROOT, load_tool


@pytest.fixture(scope='module')
def tool():
    return load_tool('tools/benchmark/camera_residual.py')


def test_a_pan_is_the_offsets_difference_in_clip_pixels(tool):
    offsets = np.array([[0.0, 0.0], [4.0, -2.0], [10.0, 6.0]])
    camera = np.zeros((3, 2, 3))
    camera[:, 0, 0] = camera[:, 1, 1] = 1
    camera[:, :, 2] = offsets  # view pixel p is world pixel p + offset
    chains = tool.true_chains(camera, 1, (64, 64), 32)
    np.testing.assert_allclose(chains[..., :2], np.broadcast_to(np.eye(2),
                                                                (3, 2, 2)))
    # the reference's pixel p shows world p + o_r, which frame t shows at
    # p + o_r - o_t; half of that in the 32-pixel clip
    np.testing.assert_allclose(chains[..., 2], (offsets[1] - offsets) / 2)


def test_chains_against_mapping_points_through_the_world(tool):
    """Pan, zoom and roll about the frame's centre, checked against a pixel
    carried reference frame -> world -> frame t in the renderer's corner
    pixels and back to the clip's centred ones."""
    motion = CameraMotion(pan=0.3, zoom=0.2, rotation=10.0, shake=0.03)
    camera = camera_path(np.random.default_rng(3), motion, 6, (48, 48))
    chains = tool.true_chains(camera, 2, (48, 48), 16)
    clip_points = np.random.default_rng(4).uniform(-8, 8, (5, 2))
    centre = np.array([23.5, 23.5])
    frame_points = clip_points * 3 + centre  # 48 / 16 = 3
    world = apply(camera[2], frame_points)
    for t in range(6):
        there = apply(invert(camera[t]), world)
        expected = (there - centre) / 3
        np.testing.assert_allclose(apply(chains[t], clip_points), expected,
                                   atol=1e-9)
    np.testing.assert_allclose(chains[2], [[1, 0, 0], [0, 1, 0]], atol=1e-12)


def test_displacement_and_the_row(tool):
    identity = torch.tensor([[1.0, 0, 0], [0, 1, 0]])
    shifted = identity.clone()
    shifted[:, 2] = torch.tensor([3.0, 4.0])
    maps = torch.stack([identity, shifted])[None]  # (1, 2, 2, 3)
    moved = tool.displacement(maps, identity.expand_as(maps), 8)
    assert moved.shape == (1, 2)
    torch.testing.assert_close(moved, torch.tensor([[0.0, 5.0]]))
    residual = torch.zeros(2, tool.CLIP)
    residual[0, tool.REFERENCE] = 100.0  # the reference frame: left out
    residual[1] = 0.5
    row = tool.summarise(residual, torch.ones(2, tool.CLIP))
    assert row['residual'] == pytest.approx(0.25)
    assert row['left'] == pytest.approx(0.25)
    assert row['median_clip'] in (0.0, 0.5)
    assert row['poor'] == pytest.approx(0.5)  # one clip over a quarter pixel
    assert row['by_frame'][tool.REFERENCE] == 50.25  # every frame, kept
    assert row['by_frame'][0] == 0.25
    still = tool.summarise(residual, torch.zeros(2, tool.CLIP))
    assert still['camera'] == 0 and still['left'] is None
    steps = torch.tensor([[1.0, 0, 0], [0, 1, 0]]).repeat(4, 1, 1)
    steps[1, 0, 2] = 0.1
    assert tool.identity_share(steps) == 0.75


def test_the_ladder_from_the_command_line(tmp_path):
    """Two rendered videos a rung: a static camera leaves nothing to
    estimate, and the estimate finds next to nothing; on a moving camera the
    estimate leaves less than the camera moved."""
    out = tmp_path / 'residual.json'
    result = subprocess.run(
        [sys.executable, 'tools/benchmark/camera_residual.py', '--videos',
         '2', '--estimate-size', '64', '--json', str(out)], cwd=ROOT,
        capture_output=True, text=True, check=True)
    rows = json.loads(out.read_text())['rows']
    assert set(rows) == {'static', 'mild', 'handheld', 'strong'}
    static = rows['static']['32']
    assert static['camera'] == 0 and static['residual'] < 0.05
    for rung in ('handheld', 'strong'):
        for size in ('32', '64'):
            row = rows[rung][size]
            assert row['camera'] > 0.2
            assert row['residual'] < row['camera']
    assert '| strong | 64 px |' in result.stdout
    assert 0 <= rows['mild']['32']['identity_steps'] <= 1
    assert len(rows['mild']['32']['by_frame']) == 10
