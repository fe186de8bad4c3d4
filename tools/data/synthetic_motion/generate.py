"""Write the synthetic motion dataset: real encoded videos labelled by motion.

    python tools/data/synthetic_motion/generate.py work_dirs/synthetic_motion \
        [--seed 0] [--directions 4] [--dynamics constant accelerating] \
        [--train-per-class 48] [--test-per-class 16] [--suffix .mp4] ...

writes ``videos/{train,test}/<class>/<i>.mp4``, ``train_videos.txt`` and
``test_videos.txt`` (MMAction2 VideoDataset lists) and ``label_map.txt``. The class
is the motion of the object (direction x constant / accelerating); background,
object shape, colour and texture, distractors, start, speed and camera jitter are
random. The same seed gives the same files.
"""
import argparse
from pathlib import Path

from mmvididi.data_preparation.synthetic_motion import (
    DYNAMICS, MotionDatasetSpec, generate_motion_dataset)


def main() -> None:
    defaults = MotionDatasetSpec()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('root', type=Path)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--directions', type=int, choices=[4, 8],
                        default=defaults.directions)
    parser.add_argument('--dynamics', nargs='+', choices=DYNAMICS,
                        default=list(defaults.dynamics))
    parser.add_argument('--train-per-class', type=int,
                        default=defaults.train_per_class)
    parser.add_argument('--test-per-class', type=int,
                        default=defaults.test_per_class)
    parser.add_argument('--num-frames', type=int, default=defaults.num_frames)
    parser.add_argument('--size', type=int, nargs=2, metavar=('H', 'W'),
                        default=list(defaults.size))
    parser.add_argument('--travel', type=float, nargs=2,
                        default=list(defaults.travel),
                        help='distance covered, in frame sizes (min max)')
    parser.add_argument('--object-size', type=int, nargs=2,
                        default=list(defaults.object_size))
    parser.add_argument('--distractors', type=int, nargs=2,
                        default=list(defaults.distractors))
    parser.add_argument('--jitter', type=int, default=defaults.jitter,
                        help='camera shake, max pixels a frame')
    parser.add_argument('--noise', type=float, default=defaults.noise)
    parser.add_argument('--suffix', choices=['.mp4', '.avi', '.mkv'],
                        default=defaults.suffix)
    args = parser.parse_args()

    spec = MotionDatasetSpec(
        directions=args.directions, dynamics=args.dynamics,
        train_per_class=args.train_per_class,
        test_per_class=args.test_per_class, num_frames=args.num_frames,
        size=tuple(args.size), travel=tuple(args.travel),
        object_size=tuple(args.object_size),
        distractors=tuple(args.distractors), jitter=args.jitter,
        noise=args.noise, suffix=args.suffix)
    generate_motion_dataset(args.root, spec, args.seed)
    print(f'{args.root}: {len(spec.classes)} classes, '
          f'{spec.train_per_class} train and {spec.test_per_class} test videos '
          'a class')


if __name__ == '__main__':
    main()
