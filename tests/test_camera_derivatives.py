"""tools/benchmark/camera_derivatives.py on decoded videos: what the camera
and the coding put in the first derivative."""
from pathlib import Path

import av
import numpy as np
import pytest

from mmvididi.data_preparation.synthetic_motion import (
    MotionDatasetSpec, generate_motion_dataset)
from mmvididi.motion_compensation import MotionCompensation
from tests.test_motion_benchmark import load_tool

SPEC = dict(train_per_class=0, test_per_class=1, num_frames=24, size=(48, 48))


@pytest.fixture(scope='module')
def tool():
    return load_tool('tools/benchmark/camera_derivatives.py')


@pytest.fixture(scope='module')
def roots(tmp_path_factory):
    """The static and strong rungs' test videos, the same scenes."""
    made = {}
    for rung in ('static', 'strong'):
        root = tmp_path_factory.mktemp(rung)
        generate_motion_dataset(root, MotionDatasetSpec.preset(rung, **SPEC),
                                seed=0)
        made[rung] = str(root)
    return made


def test_decoded_clips_are_the_videos_training_clips(tool, roots):
    clips = tool.decoded_clips(roots, 4, 16)
    assert set(clips) == {'static', 'strong'}
    for rung, batch in clips.items():
        assert batch.shape == (4, tool.CLIP, 16, 16, 3)
        first = sorted(Path(roots[rung]).glob('videos/test/*/*.mp4'))[0]
        with av.open(str(first)) as video:  # every frame, by PyAV itself
            frames = np.stack([frame.to_ndarray(format='rgb24')
                               for frame in video.decode(video=0)])
        np.testing.assert_array_equal(batch[0], tool.clip(frames, 16))
    # the camera moves every background edge: strong's plain order 1 holds
    # more than static's, and stabilising takes most of the excess away
    rows = tool.measure(clips, MotionCompensation(stabilize=True))
    assert rows['static']['plain']['ratio_mean'] == pytest.approx(1.0)
    strong = rows['strong']
    assert strong['plain']['ratio_mean'] > 1.5
    assert strong['compensated']['ratio_mean'] < \
        0.6 * strong['plain']['ratio_mean']
    assert strong['compensated']['valid'] < 1.0


def test_decoded_rungs_need_the_static_reference_and_videos(tool, roots):
    with pytest.raises(SystemExit, match='give the static rung too'):
        tool.decoded_clips({'strong': roots['strong']}, 2, 16)
    with pytest.raises(SystemExit, match='8 test videos under'):
        tool.decoded_clips(roots, 9, 16)
