"""Official split files of UCF101, HMDB51 and Kinetics-400 as VideoDataset lists.

MMAction2's ``VideoDataset`` reads one video a line: ``<relative path> <label>``,
labels from 0. The parsers below read the files the datasets' authors publish
and raise :class:`SplitFileError` (``file:line: what is wrong; the fix``) on any
line they do not understand, so that a bad annotation stops a run at start.
"""
import csv
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from mmvididi.utils.annotation_files import PathLike, SplitFileError, VideoList


def _lines(path: PathLike) -> Iterator[Tuple[int, List[str]]]:
    """(line number, whitespace-split fields) of the non-blank lines of a file."""
    with open(path, encoding='utf-8-sig') as f:  # the UCF101 lists use CRLF
        for line_no, line in enumerate(f, start=1):
            if line.strip():
                yield line_no, line.split()


# ---------------------------------------------------------------- UCF101 ----
def read_ucf101_classes(class_ind: PathLike) -> List[str]:
    """Class names of ``classInd.txt`` (``1 ApplyEyeMakeup`` a line), label order."""
    classes = []
    for line_no, fields in _lines(class_ind):
        if len(fields) != 2 or fields[0] != str(len(classes) + 1):
            raise SplitFileError(
                class_ind, line_no,
                f'expected "<index> <ClassName>" with index {len(classes) + 1}'
                f', got {" ".join(fields)!r}; use the classInd.txt of '
                'UCF101TrainTestSplits-RecognitionTask.')
        classes.append(fields[1])
    return classes


def _ucf101_list(path: PathLike, classes: Dict[str, int]) -> VideoList:
    """A ``trainlistNN.txt`` (``Class/v_Class_g08_c01.avi 1``) or
    ``testlistNN.txt`` (``Class/v_Class_g01_c01.avi``) as a video list.

    ``classes`` maps lower-case class names to labels: UCF101's own lists spell
    a class folder in two casings (``HandstandPushups/v_HandStandPushups_...``).
    """
    videos = []
    for line_no, fields in _lines(path):
        video = fields[0]
        folder = video.split('/')[0].lower()
        if len(fields) > 2 or '/' not in video or folder not in classes:
            raise SplitFileError(
                path, line_no,
                f'expected "<Class>/<video>.avi [<1-based label>]" with a class '
                f'of classInd.txt, got {" ".join(fields)!r}.')
        label = classes[folder]
        if len(fields) == 2 and fields[1] != str(label + 1):
            raise SplitFileError(
                path, line_no,
                f'label {fields[1]} disagrees with folder {video.split("/")[0]}'
                f' (label {label + 1} in classInd.txt).')
        videos.append((video, label))
    return videos


def ucf101_split(split_dir: PathLike, split: int = 1) -> Tuple[VideoList, VideoList]:
    """Train and test lists of UCF101 split ``split`` (1, 2 or 3).

    Args:
        split_dir: ``ucfTrainTestlist`` of the unpacked
            ``UCF101TrainTestSplits-RecognitionTask.zip``, with
            ``classInd.txt``, ``trainlist0N.txt`` and ``testlist0N.txt``.
    """
    split_dir = Path(split_dir)
    names = read_ucf101_classes(split_dir / 'classInd.txt')
    classes = {name.lower(): label for label, name in enumerate(names)}
    return (_ucf101_list(split_dir / f'trainlist0{split}.txt', classes),
            _ucf101_list(split_dir / f'testlist0{split}.txt', classes))


# ---------------------------------------------------------------- HMDB51 ----
HMDB51_SPLIT_FILE = '{}_test_split{}.txt'


def hmdb51_classes(split_dir: PathLike) -> List[str]:
    """Sorted class names of HMDB51's split folder; label i is the i-th."""
    suffix = HMDB51_SPLIT_FILE.format('', 1)
    names = sorted(path.name[:-len(suffix)]
                   for path in Path(split_dir).glob(f'*{suffix}'))
    if not names:
        raise FileNotFoundError(
            f'no *{suffix} in {split_dir}; point it at the unpacked '
            'testTrainMulti_7030_splits folder of HMDB51.')
    return names


def hmdb51_split(split_dir: PathLike, split: int = 1) -> Tuple[VideoList, VideoList]:
    """Train and test lists of HMDB51 split ``split`` (1, 2 or 3).

    Args:
        split_dir: the unpacked ``testTrainMulti_7030_splits`` with one
            ``<class>_test_split<N>.txt`` a class, each line ``<video>.avi <id>``
            (1: train, 2: test, 0: unused).
    """
    train, test = [], []
    for label, class_name in enumerate(hmdb51_classes(split_dir)):
        path = Path(split_dir) / HMDB51_SPLIT_FILE.format(class_name, split)
        for line_no, fields in _lines(path):
            if len(fields) != 2 or fields[1] not in ('0', '1', '2'):
                raise SplitFileError(
                    path, line_no,
                    f'expected "<video>.avi <0|1|2>", got {" ".join(fields)!r}.')
            target = {'1': train, '2': test}.get(fields[1])
            if target is not None:
                target.append((f'{class_name}/{fields[0]}', label))
    return train, test


# ----------------------------------------------------------- Kinetics-400 ----
KINETICS_COLUMNS = ('youtube_id', 'time_start', 'time_end')


def kinetics_class_folder(class_name: str) -> str:
    """Folder of a Kinetics class as the download tools write it."""
    return class_name.replace('"', '').replace(' ', '_')


def kinetics_video_name(youtube_id: str, start: str, end: str) -> str:
    """``<youtube_id>_<start:06d>_<end:06d>.mp4``, the name of a trimmed clip."""
    return f'{youtube_id}_{int(float(start)):06d}_{int(float(end)):06d}.mp4'


def read_kinetics_csv(path: PathLike) -> List[Tuple[int, Dict[str, str]]]:
    """(line number, row) of a Kinetics CSV (``label,youtube_id,time_start,...``;
    the test CSV may lack ``label``)."""
    with open(path, newline='', encoding='utf-8') as f:
        reader = csv.DictReader(f)
        missing = set(KINETICS_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise SplitFileError(
                path, 1, f'header lacks {sorted(missing)}; expected '
                'label,youtube_id,time_start,time_end,split[,is_cc].')
        rows = []
        for row in reader:
            if None in row or any(row[key] in (None, '') for key in KINETICS_COLUMNS):
                raise SplitFileError(path, reader.line_num,
                                     f'malformed row {row!r}.')
            rows.append((reader.line_num, row))
    return rows


def kinetics_classes(train_csv: PathLike) -> List[str]:
    """Sorted class names of a Kinetics train CSV; label i is the i-th."""
    rows = read_kinetics_csv(train_csv)
    if any('label' not in row for _, row in rows):
        raise SplitFileError(train_csv, 1, 'the train CSV needs a label column.')
    return sorted({row['label'] for _, row in rows})


def kinetics_list(csv_path: PathLike, classes: Sequence[str],
                  class_folders: bool = True,
                  video_root: Optional[PathLike] = None
                  ) -> Tuple[VideoList, List[str]]:
    """Video list of a Kinetics CSV.

    Args:
        csv_path: ``train.csv``, ``validate.csv`` or ``test.csv``.
        classes: class names in label order (:func:`kinetics_classes`).
        class_folders: videos lie in ``<class_folder>/`` (True) or all in one
            folder (False). Unlabelled rows are never in class folders.
        video_root: if given, keep only videos present below it; Kinetics
            videos go missing from YouTube.

    Returns:
        The list and the paths of the videos that were not found.
    """
    label_of = {name: i for i, name in enumerate(classes)}
    videos, missing = [], []
    for line_no, row in read_kinetics_csv(csv_path):
        name = kinetics_video_name(*(row[key] for key in KINETICS_COLUMNS))
        label = -1
        if row.get('label'):
            if row['label'] not in label_of:
                raise SplitFileError(
                    csv_path, line_no,
                    f'class {row["label"]!r} is not in the train CSV classes.')
            label = label_of[row['label']]
            if class_folders:
                name = f'{kinetics_class_folder(row["label"])}/{name}'
        if video_root is not None and not (Path(video_root) / name).is_file():
            missing.append(name)
            continue
        videos.append((name, label))
    return videos, missing
