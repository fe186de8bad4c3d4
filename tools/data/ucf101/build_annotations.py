"""Build VideoDataset annotation files of UCF101 from its official split files.

    python tools/data/ucf101/build_annotations.py \
        data/ucf101/ucfTrainTestlist data/ucf101 [--splits 1 2 3]

writes ``ucf101_{train,val}_split_<N>_videos.txt`` (``Class/v_Class_gXX_cXX.avi label``,
labels 0-100 in classInd.txt order) and ``label_map.txt``.
"""
import argparse
from pathlib import Path

from mmvididi.data_preparation.split_files import (read_ucf101_classes,
                                                   ucf101_split)
from mmvididi.utils.annotation_files import write_lines, write_video_list


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('split_dir', type=Path,
                        help='folder with classInd.txt, trainlist0N.txt and '
                        'testlist0N.txt (ucfTrainTestlist)')
    parser.add_argument('out_dir', type=Path, help='where to write the lists')
    parser.add_argument('--splits', type=int, nargs='+', default=[1, 2, 3],
                        choices=[1, 2, 3])
    args = parser.parse_args()

    write_lines(args.out_dir / 'label_map.txt',
                read_ucf101_classes(args.split_dir / 'classInd.txt'))
    for split in args.splits:
        train, test = ucf101_split(args.split_dir, split)
        for subset, videos in (('train', train), ('val', test)):
            path = write_video_list(
                args.out_dir / f'ucf101_{subset}_split_{split}_videos.txt', videos)
            print(f'{path}: {len(videos)} videos')


if __name__ == '__main__':
    main()
