"""The pretraining pipeline decodes exactly the frames it samples, frees each
sample's decoder, marks partial videos, and runs without decord."""
import gc
import subprocess
import sys
import warnings
import weakref
from pathlib import Path

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope

from mmvididi.datasets.transforms import (ExactVideoDecode, VideoDecode,
                                          VideoInit)
from mmvididi.video import VIDEO_SOURCE_KEY, Video
from tests.footage import KINDS, footage, pyav_reference, stamped_index

ROOT = Path(__file__).parents[1]
PRETRAIN = ROOT / 'configs/_base_/datasets/vididi_video_pretrain.py'


@pytest.fixture(scope='module')
def pretrain_cfg():
    init_default_scope('mmaction')
    return Config.fromfile(str(PRETRAIN))


def sample(path) -> dict:
    return dict(filename=str(path), label=0, start_index=0, modality='RGB')


def test_the_configs_open_and_decode_with_the_new_transforms(pretrain_cfg):
    assert pretrain_cfg.train_pipeline[0] == dict(type='VideoInit')
    assert dict(type='VideoDecode') in pretrain_cfg.view_pipeline


@pytest.mark.parametrize('name', [
    'xvid_bframes_avi', 'h264_bframes_mp4', 'h264_open_gop_mp4', 'vp9_mkv',
    'h264_variable_rate_mp4', 'long_xvid_avi', 'long_h264_mp4'])
def test_every_view_of_the_pretraining_pipeline_is_exact(pretrain_cfg, name):
    """The config's sampling (VideoInit, MultiView(SampleFrames, VideoDecode)),
    several samples of one video read one after another: each view's frames
    are those of a full sequential decode at its frame_inds."""
    sampling = Compose([pretrain_cfg.train_pipeline[0], dict(
        type='MultiView', num_views=2,
        transforms=[pretrain_cfg.view_pipeline[:2]])])
    expected = pyav_reference(footage(name))
    np.random.seed(0)
    for _ in range(4):
        out = sampling(sample(footage(name)))
        for view, inds in zip(out['imgs'], out['frame_inds']):
            inds = np.minimum(inds, len(expected) - 1)
            assert [stamped_index(f) for f in view] == inds.tolist()
            np.testing.assert_array_equal(view, expected[inds])


def live(kind) -> int:
    return sum(type(obj) is kind for obj in gc.get_objects())


def test_a_sample_frees_its_decoder_container_and_frames(pretrain_cfg):
    """After each sample of the full pretraining pipeline nothing of its
    decoding is left, by reference counting alone: the Video, its PyAV
    container and decoded frames go with the sample's results. (PyAV's
    container and its streams refer to each other; a container left to the
    garbage collector waits for a full collection, which a dataloader worker
    holding 400,000 objects runs rarely, and its decoder's buffers with it.)"""
    import av
    pipeline = Compose(pretrain_cfg.train_pipeline)
    names = ['long_xvid_avi', 'long_h264_mp4', 'xvid_bframes_avi']
    gc.collect()
    before = live(av.container.InputContainer), live(av.VideoFrame)
    gc.disable()  # what is freed must be freed without a collection
    try:
        for i in range(6):
            info = sample(footage(names[i % 3]))
            packed = pipeline(info)
            assert packed['inputs'].shape[:2] == (2, 18)
            video = weakref.ref(info[VIDEO_SOURCE_KEY])
            del info, packed  # the sample is done
            assert video() is None  # freed at once
            assert (live(av.container.InputContainer),
                    live(av.VideoFrame)) == before
    finally:
        gc.enable()


def test_a_partial_video_says_so_on_the_results_the_dataset_holds(
        pretrain_cfg, tmp_path):
    data = footage('xvid_bframes_avi').read_bytes()
    path = tmp_path / 'truncated.avi'
    path.write_bytes(data[:len(data) // 2])
    info = sample(path)
    packed = Compose(pretrain_cfg.train_pipeline)(info)  # trains on it
    assert packed['inputs'].shape[:2] == (2, 18)
    video = info[VIDEO_SOURCE_KEY]
    assert isinstance(video, Video)
    assert video.partial == (f'the header claims 90 frames, the file holds '
                             f'{video.num_frames} (truncated?)')
    complete = sample(footage('xvid_bframes_avi'))
    Compose(pretrain_cfg.train_pipeline)(complete)
    assert complete[VIDEO_SOURCE_KEY].partial is None


def test_the_pretraining_pipeline_runs_without_decord():
    """A fresh process in which `import decord` fails, as where decord has no
    wheel: mmvididi imports, the config's pipeline decodes a sample."""
    script = f'''
import sys
sys.modules['decord'] = None  # import decord raises ImportError
import mmvididi
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope
init_default_scope('mmaction')
cfg = Config.fromfile({str(PRETRAIN)!r})
out = Compose(cfg.train_pipeline)(dict(
    filename={str(footage('h264_bframes_mp4'))!r}, label=0, start_index=0,
    modality='RGB'))
assert 'decord' not in [m.split('.')[0] for m in sys.modules if sys.modules[m]]
print(tuple(out['inputs'].shape))
'''
    done = subprocess.run([sys.executable, '-c', script], capture_output=True,
                          text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == '(2, 18, 112, 112, 3)'


def test_former_names_and_a_reader_from_mmaction2s_decord_init():
    """SafeDecordInit / ExactVideoDecode still build from old configs; a
    reader from MMAction2's DecordInit is not trusted: the file is reopened."""
    decord = pytest.importorskip('decord', reason='decord is optional',
                                 exc_type=ImportError)
    from mmaction.datasets.transforms import DecordInit
    name = 'xvid_bframes_avi'  # where decord's random access is wrong
    expected = pyav_reference(footage(name))
    results = DecordInit()(sample(footage(name)))
    assert isinstance(results[VIDEO_SOURCE_KEY], decord.VideoReader)
    inds = np.arange(40, 76, 2)
    got = ExactVideoDecode()(dict(results, frame_inds=inds))['imgs']
    np.testing.assert_array_equal(np.stack(got), expected[inds])


def test_bad_arguments_and_former_options():
    with pytest.raises(ValueError, match=r"backend='opencv' is not one of"):
        VideoInit(backend='opencv')
    with pytest.raises(ValueError, match=r"backend='opencv' is not one of"):
        VideoDecode(backend='opencv')
    with pytest.raises(ValueError, match="sequential='sometimes' is not one of"):
        ExactVideoDecode(sequential='sometimes')
    with pytest.warns(DeprecationWarning, match='is ignored'):
        ExactVideoDecode(sequential='always')
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        ExactVideoDecode()
    with pytest.raises(FileNotFoundError, match='nothing.mp4 does not exist'):
        VideoInit()(dict(filename='nothing.mp4'))
    assert KINDS  # the footage module is importable on its own
