"""Build VideoDataset annotation files of HMDB51 from its official split files.

    python tools/data/hmdb51/build_annotations.py \
        data/hmdb51/testTrainMulti_7030_splits data/hmdb51 [--splits 1 2 3]

writes ``hmdb51_{train,val}_split_<N>_videos.txt`` (``class/video.avi label``,
labels 0-50 in sorted class order) and ``label_map.txt``. Videos marked 0 (unused)
are left out.
"""
import argparse
from pathlib import Path

from mmvididi.data_preparation.split_files import hmdb51_classes, hmdb51_split
from mmvididi.utils.annotation_files import write_lines, write_video_list


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('split_dir', type=Path,
                        help='folder with <class>_test_split<N>.txt '
                        '(testTrainMulti_7030_splits)')
    parser.add_argument('out_dir', type=Path, help='where to write the lists')
    parser.add_argument('--splits', type=int, nargs='+', default=[1, 2, 3],
                        choices=[1, 2, 3])
    args = parser.parse_args()

    write_lines(args.out_dir / 'label_map.txt', hmdb51_classes(args.split_dir))
    for split in args.splits:
        train, test = hmdb51_split(args.split_dir, split)
        for subset, videos in (('train', train), ('val', test)):
            path = write_video_list(
                args.out_dir / f'hmdb51_{subset}_split_{split}_videos.txt', videos)
            print(f'{path}: {len(videos)} videos')


if __name__ == '__main__':
    main()
