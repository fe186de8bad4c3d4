"""Build VideoDataset annotation files of Kinetics-400 from its official CSVs.

    python tools/data/kinetics/build_annotations.py \
        data/kinetics400/annotations data/kinetics400 \
        [--video-root data/kinetics400] [--flat]

reads ``train.csv`` and ``validate.csv`` (``label,youtube_id,time_start,time_end,...``)
and writes ``kinetics400_{train,val}_list_videos.txt``
(``class_folder/<youtube_id>_<start:06d>_<end:06d>.mp4 label``, labels in sorted class
order) and ``label_map.txt``. With ``--video-root``, videos not found below
``<video-root>/videos_{train,val}`` are left out and listed in
``kinetics400_{train,val}_missing.txt``.
"""
import argparse
from pathlib import Path

from mmvididi.data_preparation.split_files import (kinetics_classes,
                                                   kinetics_list)
from mmvididi.utils.annotation_files import write_lines, write_video_list

SUBSETS = (('train', 'train.csv'), ('val', 'validate.csv'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('csv_dir', type=Path,
                        help='folder with train.csv and validate.csv')
    parser.add_argument('out_dir', type=Path, help='where to write the lists')
    parser.add_argument('--video-root', type=Path,
                        help='keep only videos present in '
                        '<video-root>/videos_train and videos_val')
    parser.add_argument('--flat', action='store_true',
                        help='videos lie in one folder, not in class folders')
    args = parser.parse_args()

    classes = kinetics_classes(args.csv_dir / 'train.csv')
    write_lines(args.out_dir / 'label_map.txt', classes)
    for subset, csv_name in SUBSETS:
        video_root = args.video_root / f'videos_{subset}' if args.video_root else None
        videos, missing = kinetics_list(args.csv_dir / csv_name, classes,
                                        class_folders=not args.flat,
                                        video_root=video_root)
        path = write_video_list(
            args.out_dir / f'kinetics400_{subset}_list_videos.txt', videos)
        print(f'{path}: {len(videos)} videos')
        if missing:
            missing_path = write_lines(
                args.out_dir / f'kinetics400_{subset}_missing.txt', missing)
            print(f'{missing_path}: {len(missing)} videos not found under '
                  f'{video_root}, left out')


if __name__ == '__main__':
    main()
