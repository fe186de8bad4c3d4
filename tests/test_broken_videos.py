"""Broken videos and annotation lines: clear errors, skipped videos, videos
decoded in part listed, a limit (over all ranks: tests/test_distributed.py)."""
import subprocess
import sys
from types import SimpleNamespace

import pytest
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform
from mmengine.logging import MessageHub
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from mmvididi.datasets import SafeDecordInit, SkipBrokenVideoDataset
from mmvididi.engine import BrokenVideoHook
from mmvididi.engine.hooks.broken_video_hook import HEADER, parse_lines
from mmvididi.utils import write_video
from mmvididi.utils.annotation_files import SplitFileError
from mmvididi.utils.config_checks import innermost_dataset_cfg
from mmvididi.video import VIDEO_SOURCE_KEY
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


def report_entries(work_dir) -> dict:
    """``{kind: [path, ...]}`` of ``work_dir/bad_videos.txt``."""
    text = (work_dir / 'bad_videos.txt').read_text()
    assert text.startswith(HEADER)
    entries = {}
    for path, kind, _ in parse_lines(text):
        entries.setdefault(kind, []).append(path)
    return entries


def test_training_skips_broken_videos_and_lists_them(mixed_dir, tmp_path):
    runner = tiny_run(mixed_dir, tmp_path, max_bad_ratio=0.5)
    runner.train()
    assert runner.iter == 7  # 14 videos, batch 2: every batch filled
    report = (tmp_path / 'bad_videos.txt').read_text()
    entries = report_entries(tmp_path)
    assert entries['broken'] == sorted(str(mixed_dir / n) for n in BROKEN)
    assert 'FileNotFoundError' in report and 'cannot be decoded' in report
    assert runner.message_hub.get_scalar('train/bad_videos').current() == 4
    # the truncated AVI trains as far as it decodes; listed as partial where
    # the opened video says so (its ``partial`` attribute, issue 11's decoder)
    dataset = innermost_dataset_cfg(runner.cfg.train_dataloader.dataset)
    opener = TRANSFORMS.build(dataset.pipeline[0])
    opened = opener(dict(filename=str(mixed_dir / 'truncated.avi')))
    if getattr(opened[VIDEO_SOURCE_KEY], 'partial', None):
        assert entries['partial'] == [str(mixed_dir / 'truncated.avi')]
    else:
        assert 'partial' not in entries


@TRANSFORMS.register_module(force=True)
class OpenStandIn(BaseTransform):
    """Opens nothing; leaves a video whose ``partial`` says it was cut when
    the file name says so, as the decoders' opening transform does."""

    def transform(self, results):
        cut = 'cut' in results['filename']
        results[VIDEO_SOURCE_KEY] = SimpleNamespace(
            partial='decoded up to frame 12 of 40' if cut else None)
        return dict(inputs=results['filename'])  # a new dict, as PackActionInputs


def test_videos_decoded_in_part_are_listed_and_do_not_count(tmp_path):
    (tmp_path / 'train.txt').write_text('a.mp4 0\ncut.mp4 1\nmissing.mp4 0\n')
    init_default_scope('mmaction')
    dataset = SkipBrokenVideoDataset(
        str(tmp_path / 'train.txt'), data_prefix=dict(video=str(tmp_path)),
        pipeline=[dict(type='OpenStandIn')])
    assert dataset.prepare_data(1) == dict(inputs=str(tmp_path / 'cut.mp4'))
    dataset.prepare_data(1)  # once per process
    dataset.prepare_data(0)
    with open(dataset.bad_video_log, 'a') as f:  # a broken one, half written
        f.write(f'{tmp_path / "missing.mp4"}\tbroken\tFileNotFoundError: gone')

    hook = BrokenVideoHook(max_bad_ratio=0.0)
    runner = SimpleNamespace(
        train_dataloader=SimpleNamespace(dataset=SimpleNamespace(
            dataset=dataset)),  # as inside ReproducibleDataset
        work_dir=str(tmp_path), message_hub=MessageHub.get_instance('partial'))
    hook.before_train(runner)
    hook.check(runner)  # partial videos trained: no error at ratio 0
    assert report_entries(tmp_path) == {'partial': [str(tmp_path / 'cut.mp4')]}
    assert (tmp_path / 'bad_videos.txt').read_text().splitlines()[1] == \
        f'{tmp_path / "cut.mp4"}\tpartial\tdecoded up to frame 12 of 40'
    assert runner.message_hub.get_scalar('train/partial_videos').current() == 1

    with open(dataset.bad_video_log, 'a') as f:  # the line is complete now
        f.write('\n')
    with pytest.raises(RuntimeError, match=r'1 of 3 training videos \(33.3%\)'):
        hook.check(runner)
    assert report_entries(tmp_path) == {'broken': [str(tmp_path / 'missing.mp4')],
                                        'partial': [str(tmp_path / 'cut.mp4')]}

    resumed = BrokenVideoHook(max_bad_ratio=1.0)  # a resumed run keeps them
    resumed.before_train(runner)
    assert resumed.paths('broken') == [str(tmp_path / 'missing.mp4')]


def test_too_many_broken_videos_stop_training(mixed_dir, tmp_path):
    runner = tiny_run(mixed_dir, tmp_path, max_bad_ratio=0.05)
    with pytest.raises(RuntimeError, match=r'of 14 training videos .* failed to '
                       r'load, more than BrokenVideoHook.max_bad_ratio=0.05; '
                       r'they are listed with the reasons in .*bad_videos.txt'):
        runner.train()


@pytest.mark.parametrize('line, match', [
    ('b.mp4 zero', r"train\.txt:2: expected \"<video path> <integer label>\", "
     r"got 'b.mp4 zero': the label 'zero' is not an integer\.$"),
    ('b.mp4 1.5', r"the label '1.5' is not an integer\.$"),
    ('my video.mp4 1', r"train\.txt:2: expected \"<video path> <integer "
     r"label>\", got 'my video.mp4 1': 3 fields, not 2; paths with spaces are "
     r"not supported, rename the video\.$"),
])
def test_malformed_annotation_lines_fail_at_start_with_file_and_line(
        line, match, tmp_path):
    ann = tmp_path / 'train.txt'
    ann.write_text(f'a.mp4 0\n{line}\n')
    init_default_scope('mmaction')
    with pytest.raises(SplitFileError, match=match) as error:
        SkipBrokenVideoDataset(str(ann), pipeline=[])
    if len(line.split()) == 2:  # a label that is not an integer, no space
        assert 'spaces' not in str(error.value)


def test_a_broken_test_video_is_an_error_naming_it(mixed_dir):
    init_default_scope('mmaction')
    dataset = SkipBrokenVideoDataset(
        str(mixed_dir / 'train.txt'), test_mode=True,
        data_prefix=dict(video=str(mixed_dir)),
        pipeline=[dict(type='SafeDecordInit')])
    assert dataset[0]['total_frames'] == 40
    with pytest.raises(RuntimeError, match='cannot load test video .*missing'):
        dataset[8]
