"""Broken videos and annotation lines: clear errors, skipped videos, a limit."""
import subprocess
import sys

import pytest
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from mmvididi.datasets import SafeDecordInit, SkipBrokenVideoDataset
from mmvididi.utils import write_video
from mmvididi.utils.annotation_files import SplitFileError
from tests.conftest import moving_frames
from tests.tiny_configs import tiny_config

BROKEN = ('missing.mp4', 'empty.mp4', 'truncated.mp4', 'not_a_video.mp4')


@pytest.fixture(scope='module')
def mixed_dir(tmp_path_factory):
    """8 good videos, the broken kinds of BROKEN, a truncated Xvid AVI and a
    3-frame video, listed in train.txt."""
    root = tmp_path_factory.mktemp('mixed')
    good = [write_video(root / f'good{i}.mp4', moving_frames(i)) for i in range(8)]
    data = good[0].read_bytes()
    (root / 'empty.mp4').write_bytes(b'')
    (root / 'truncated.mp4').write_bytes(data[:len(data) // 2])
    (root / 'not_a_video.mp4').write_bytes(b'not a video\n' * 200)
    avi = write_video(root / 'full.avi', moving_frames(9), bf='2').read_bytes()
    (root / 'truncated.avi').write_bytes(avi[:len(avi) // 2])
    write_video(root / 'short.mp4', moving_frames(10, num_frames=3))
    names = [p.name for p in good] + list(BROKEN) + ['truncated.avi', 'short.mp4']
    (root / 'train.txt').write_text(''.join(f'{n} {i % 2}\n'
                                            for i, n in enumerate(names)))
    return root


@pytest.mark.parametrize('name, match', [
    ('missing.mp4', 'missing.mp4 does not exist'),
    ('empty.mp4', r'empty.mp4 is empty \(0 bytes\)'),
    ('truncated.mp4', 'truncated.mp4 cannot be decoded'),
    ('not_a_video.mp4', 'not_a_video.mp4 cannot be decoded'),
])
def test_safe_decord_init_names_the_broken_file(mixed_dir, name, match):
    with pytest.raises((FileNotFoundError, ValueError), match=match):
        SafeDecordInit()(dict(filename=str(mixed_dir / name)))


def test_truncated_avi_opens_by_path_where_a_file_object_crashes(mixed_dir):
    """Why videos open by path: MMAction2's DecordInit reads through a file
    object, and decord then crashes the process on this file. VideoInit (and
    its former name SafeDecordInit) opens it, decodes the frames it holds and
    says that the video is partial."""
    import numpy as np

    from mmvididi.datasets.transforms import VideoDecode, VideoInit
    from mmvididi.video import VIDEO_SOURCE_KEY
    path = str(mixed_dir / 'truncated.avi')
    try:
        import decord  # noqa: F401
    except ImportError:
        pass  # decord is optional: without it, only its crash is not shown
    else:
        script = ('import mmvididi\nfrom mmaction.datasets.transforms import '
                  'DecordInit, DecordDecode\nimport numpy as np\n'
                  f'r = DecordInit()(dict(filename={path!r}))\n'
                  'DecordDecode()(dict(r, frame_inds=np.zeros(4, int)))\n')
        crashed = subprocess.run([sys.executable, '-c', script],
                                 capture_output=True)
        assert crashed.returncode == -11  # SIGSEGV: the whole run would die

    for init in (VideoInit(), SafeDecordInit()):
        results = init(dict(filename=path))
        assert 1 <= results['total_frames'] < 40  # what the file holds
        video = results[VIDEO_SOURCE_KEY]
        assert video.partial == (f'the header claims 40 frames, the file holds '
                                 f'{results["total_frames"]} (truncated?)')
        results = VideoDecode()(dict(results, frame_inds=np.arange(0, 40, 4)))
        assert len(results['imgs']) == 10
        assert results[VIDEO_SOURCE_KEY] is video  # for the dataset to read


def tiny_run(mixed_dir, tmp_path, max_bad_ratio):
    cfg = tiny_config('vididi_simclr_r3d_ucf101.py', mixed_dir, tmp_path,
                      batch_size=2, epochs=1)
    cfg.default_hooks.broken_videos.update(max_bad_ratio=max_bad_ratio,
                                           interval=1)
    return Runner.from_cfg(cfg)


def test_training_skips_broken_videos_and_lists_them(mixed_dir, tmp_path):
    runner = tiny_run(mixed_dir, tmp_path, max_bad_ratio=0.5)
    runner.train()
    assert runner.iter == 7  # 14 videos, batch 2: every batch filled
    report = (tmp_path / 'bad_videos.txt').read_text()
    listed = [line.split('\t')[0] for line in report.splitlines()]
    assert listed == sorted(str(mixed_dir / n) for n in BROKEN)
    assert 'FileNotFoundError' in report and 'cannot be decoded' in report
    assert runner.message_hub.get_scalar('train/bad_videos').current() == 4


def test_too_many_broken_videos_stop_training(mixed_dir, tmp_path):
    runner = tiny_run(mixed_dir, tmp_path, max_bad_ratio=0.05)
    with pytest.raises(RuntimeError, match=r'of 14 training videos .* failed to '
                       r'load, more than BrokenVideoHook.max_bad_ratio=0.05; '
                       r'they are listed with the reasons in .*bad_videos.txt'):
        runner.train()


def test_malformed_annotation_lines_fail_at_start_with_file_and_line(tmp_path):
    ann = tmp_path / 'train.txt'
    ann.write_text('a.mp4 0\nb.mp4 zero\n')
    init_default_scope('mmaction')
    with pytest.raises(SplitFileError, match=r'train\.txt:2: expected'):
        SkipBrokenVideoDataset(str(ann), pipeline=[])
    ann.write_text('a.mp4 0\nmy video.mp4 1\n')
    with pytest.raises(SplitFileError, match=r'train\.txt:2: .*spaces'):
        SkipBrokenVideoDataset(str(ann), pipeline=[])


def test_a_broken_test_video_is_an_error_naming_it(mixed_dir):
    init_default_scope('mmaction')
    dataset = SkipBrokenVideoDataset(
        str(mixed_dir / 'train.txt'), test_mode=True,
        data_prefix=dict(video=str(mixed_dir)),
        pipeline=[dict(type='SafeDecordInit')])
    assert dataset[0]['total_frames'] == 40
    with pytest.raises(RuntimeError, match='cannot load test video .*missing'):
        dataset[8]
