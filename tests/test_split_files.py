"""Official split files of UCF101, HMDB51 and Kinetics-400 -> VideoDataset lists."""
import subprocess
import sys
from pathlib import Path

import pytest

from mmvididi.data_preparation.split_files import (SplitFileError,
                                                   hmdb51_classes,
                                                   hmdb51_split,
                                                   kinetics_classes,
                                                   kinetics_list,
                                                   read_ucf101_classes,
                                                   ucf101_split)

DATA = Path(__file__).parent / 'data'
UCF = DATA / 'ucf101' / 'ucfTrainTestlist'
HMDB = DATA / 'hmdb51' / 'testTrainMulti_7030_splits'
K400 = DATA / 'kinetics400' / 'annotations'
ROOT = Path(__file__).parents[1]


def test_ucf101_split_1():
    assert read_ucf101_classes(UCF / 'classInd.txt') == [
        'ApplyEyeMakeup', 'HandstandPushups', 'YoYo']
    train, test = ucf101_split(UCF, 1)
    assert train == [('ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi', 0),
                     ('ApplyEyeMakeup/v_ApplyEyeMakeup_g09_c02.avi', 0),
                     ('HandstandPushups/v_HandStandPushups_g08_c01.avi', 1),
                     ('YoYo/v_YoYo_g25_c05.avi', 2)]
    # test lists carry no label: it comes from the folder, in any casing
    assert test == [('ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi', 0),
                    ('HandStandPushups/v_HandStandPushups_g01_c01.avi', 1),
                    ('YoYo/v_YoYo_g01_c01.avi', 2)]


@pytest.mark.parametrize('line, match', [
    ('YoYo/v_YoYo_g25_c05.avi 1', 'label 1 disagrees with folder YoYo'),
    ('Juggling/v_Juggling_g01_c01.avi 2', 'with a class of classInd.txt'),
    ('v_YoYo_g25_c05.avi 3', 'expected "<Class>/<video>.avi'),
])
def test_ucf101_bad_line_names_file_and_line(tmp_path, line, match):
    (tmp_path / 'classInd.txt').write_bytes((UCF / 'classInd.txt').read_bytes())
    (tmp_path / 'testlist01.txt').write_text('')
    (tmp_path / 'trainlist01.txt').write_text(
        'ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1\n' + line + '\n')
    with pytest.raises(SplitFileError,
                       match=rf'trainlist01\.txt:2: .*{match}'):
        ucf101_split(tmp_path, 1)


def test_ucf101_bad_class_index(tmp_path):
    (tmp_path / 'classInd.txt').write_text('1 ApplyEyeMakeup\n3 YoYo\n')
    with pytest.raises(SplitFileError, match=r'classInd\.txt:2: .*index 2'):
        read_ucf101_classes(tmp_path / 'classInd.txt')


def test_hmdb51_split_1():
    assert hmdb51_classes(HMDB) == ['brush_hair', 'cartwheel']
    train, test = hmdb51_split(HMDB, 1)
    assert train == [
        ('brush_hair/April_09_brush_hair_u_nm_np1_ba_goo_0.avi', 0),
        ('cartwheel/Cartwheel_Rule_cartwheel_f_cm_np1_ri_med_0.avi', 1)]
    assert test == [
        ('brush_hair/Brushing_Hair_with_Beth_brush_hair_h_nm_np1_le_goo_0.avi', 0),
        ('cartwheel/Bodenturnen_2004_cartwheel_f_cm_np1_le_med_0.avi', 1)]


def test_hmdb51_bad_line_and_missing_folder(tmp_path):
    (tmp_path / 'kick_test_split1.txt').write_text('a.avi 1\nb.avi 3\n')
    with pytest.raises(SplitFileError, match=r'kick_test_split1\.txt:2: '):
        hmdb51_split(tmp_path, 1)
    with pytest.raises(FileNotFoundError, match='testTrainMulti_7030_splits'):
        hmdb51_split(tmp_path / 'nowhere', 1)


def test_kinetics_lists_follow_the_download_layout(tmp_path):
    classes = kinetics_classes(K400 / 'train.csv')
    assert classes == ['abseiling', 'air drumming',
                       'passing American football (in game)']
    train, missing = kinetics_list(K400 / 'train.csv', classes)
    assert missing == []
    assert train == [
        ('abseiling/0347ZoDXyP0_000014_000024.mp4', 0),
        ('passing_American_football_(in_game)/--0NTAs-fA0_000029_000039.mp4', 2),
        ('air_drumming/--nQbRBEz2s_000104_000114.mp4', 1),
        ('abseiling/035LtPeUFTE_000000_000010.mp4', 0)]
    flat, _ = kinetics_list(K400 / 'validate.csv', classes, class_folders=False)
    assert flat == [('--PyMoD3_eg_000000_000010.mp4', 1),
                    ('-0xAq9pUbcQ_000061_000071.mp4', 2)]
    unlabelled, _ = kinetics_list(K400 / 'test.csv', classes)
    assert unlabelled == [('--Hq0HRAv5k_000004_000014.mp4', -1)]

    present = tmp_path / 'abseiling' / '0347ZoDXyP0_000014_000024.mp4'
    present.parent.mkdir()
    present.write_bytes(b'')
    found, missing = kinetics_list(K400 / 'train.csv', classes,
                                   video_root=tmp_path)
    assert found == [('abseiling/0347ZoDXyP0_000014_000024.mp4', 0)]
    assert len(missing) == 3


def test_kinetics_bad_rows_name_file_and_line(tmp_path):
    bad = tmp_path / 'train.csv'
    bad.write_text('label,youtube_id,time_start,time_end,split\n'
                   'abseiling,abc,1,11,train\nabseiling,def,,12,train\n')
    with pytest.raises(SplitFileError, match=r'train\.csv:3: malformed row'):
        kinetics_classes(bad)
    bad.write_text('label,video,start\nabseiling,abc,1\n')
    with pytest.raises(SplitFileError, match=r'train\.csv:1: header lacks'):
        kinetics_classes(bad)
    (tmp_path / 'val.csv').write_text(
        'label,youtube_id,time_start,time_end,split\nyodel,abc,1,11,val\n')
    with pytest.raises(SplitFileError, match=r"val\.csv:2: class 'yodel'"):
        kinetics_list(tmp_path / 'val.csv', ['abseiling'])


def run_tool(*args) -> str:
    result = subprocess.run([sys.executable, *map(str, args)], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    return result.stdout


def test_tools_write_lists_that_video_dataset_reads(tmp_path):
    from mmaction.datasets import VideoDataset

    run_tool('tools/data/ucf101/build_annotations.py', UCF, tmp_path / 'ucf',
             '--splits', '1')
    run_tool('tools/data/hmdb51/build_annotations.py', HMDB, tmp_path / 'hmdb',
             '--splits', '1')
    out = run_tool('tools/data/kinetics/build_annotations.py', K400,
                   tmp_path / 'k400', '--video-root', tmp_path / 'k400')
    assert 'kinetics400_train_missing.txt: 4 videos not found' in out

    assert (tmp_path / 'ucf' / 'label_map.txt').read_text().split() == [
        'ApplyEyeMakeup', 'HandstandPushups', 'YoYo']
    assert (tmp_path / 'ucf' / 'ucf101_val_split_1_videos.txt').read_text() \
        .splitlines()[1] == 'HandStandPushups/v_HandStandPushups_g01_c01.avi 1'
    dataset = VideoDataset(
        str(tmp_path / 'hmdb' / 'hmdb51_train_split_1_videos.txt'), pipeline=[],
        data_prefix=dict(video='videos'))
    assert [(d['filename'], d['label']) for d in dataset] == [
        ('videos/brush_hair/April_09_brush_hair_u_nm_np1_ba_goo_0.avi', 0),
        ('videos/cartwheel/Cartwheel_Rule_cartwheel_f_cm_np1_ri_med_0.avi', 1)]
    assert (tmp_path / 'k400' / 'kinetics400_train_list_videos.txt') \
        .read_text() == ''
