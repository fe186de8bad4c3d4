"""Write the synthetic motion dataset: real encoded videos labelled by motion.

    python tools/data/synthetic_motion/generate.py work_dirs/synthetic_motion \
        [--seed 0] [--camera {static,mild,handheld,strong}] [--size 64 64] \
        [--texture-source {photos,synthetic,procedural}] [--crf 23] ...
    python tools/data/synthetic_motion/generate.py ROOT --legacy   # the first benchmark

writes ``videos/{train,test}/<class>/<i>.mp4``, ``train_videos.txt`` and
``test_videos.txt`` (MMAction2 VideoDataset lists) and ``label_map.txt``. The class
is the motion of the target (direction x constant / accelerating); the camera
(a rung of the ladder, see docs/motion_benchmark.md), background and object
textures, distractors, deformation, flicker and noise are random and independent
of the class. Options left out keep the preset's values; the spec used is printed.
The same seed gives the same files.
"""
import argparse
import dataclasses
import time
from pathlib import Path

from mmvididi.data_preparation.camera import CAMERA_PRESETS
from mmvididi.data_preparation.movers import MOVER_KINDS
from mmvididi.data_preparation.synthetic_motion import (
    DEFAULT_CAMERA, DYNAMICS, MotionDatasetSpec, generate_motion_dataset)
from mmvididi.data_preparation.textures import TEXTURE_SOURCES

CAMERA_OPTIONS = ('pan', 'zoom', 'rotation', 'shake', 'jitter')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('root', type=Path)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--workers', type=int, default=1,
                        help='processes rendering and encoding')
    parser.add_argument('--camera', choices=list(CAMERA_PRESETS),
                        default=DEFAULT_CAMERA,
                        help='rung of the camera ladder (default: %(default)s)')
    parser.add_argument('--legacy', action='store_true',
                        help='the first, static benchmark, bit for bit')
    parser.add_argument('--directions', type=int, choices=[4, 8])
    parser.add_argument('--dynamics', nargs='+', choices=DYNAMICS)
    parser.add_argument('--train-per-class', type=int)
    parser.add_argument('--test-per-class', type=int)
    parser.add_argument('--num-frames', type=int)
    parser.add_argument('--size', type=int, nargs=2, metavar=('H', 'W'))
    parser.add_argument('--travel', type=float, nargs=2,
                        help='distance the target covers, frame sides (min max)')
    parser.add_argument('--object-size', type=float, nargs=2,
                        help='object side, frame sides (min max)')
    parser.add_argument('--distractors', type=int, nargs=2)
    for name in CAMERA_OPTIONS:
        parser.add_argument(f'--{name}', type=float,
                            help=f"camera {name}, overriding --camera's "
                            '(see CameraMotion)')
    parser.add_argument('--frozen-camera', action='store_true', default=None,
                        help="film every frame from the camera's mid-video "
                        'pose: the scene of the moving camera without its '
                        'motion (a control; see MotionDatasetSpec)')
    parser.add_argument('--texture-source', choices=TEXTURE_SOURCES)
    parser.add_argument('--movers', nargs='+', choices=MOVER_KINDS)
    parser.add_argument('--deformation', type=float)
    parser.add_argument('--distractor-motion', type=float)
    parser.add_argument('--flicker', type=float)
    parser.add_argument('--noise', type=float)
    parser.add_argument('--crf', type=int, help='H.264 constant rate factor')
    parser.add_argument('--bitrate', help="H.264 bit rate, e.g. 100k, "
                        'instead of --crf')
    parser.add_argument('--bframes', type=int, help='H.264 B-frames')
    parser.add_argument('--suffix', choices=['.mp4', '.avi', '.mkv'])
    parser.add_argument('--write-camera', action='store_true',
                        help="also write each video's true camera beside it "
                        '(<i>.camera.npy), for LoadCameraMotion and '
                        "motion_source='supplied'")
    return parser.parse_args()


def build_spec(args: argparse.Namespace) -> MotionDatasetSpec:
    """The preset named by ``--camera`` / ``--legacy`` with the options
    given."""
    fields = ('directions', 'dynamics', 'train_per_class', 'test_per_class',
              'num_frames', 'size', 'travel', 'object_size', 'distractors',
              'texture_source', 'movers', 'deformation', 'distractor_motion',
              'flicker', 'noise', 'crf', 'bitrate', 'bframes', 'suffix',
              'frozen_camera')
    overrides = {name: getattr(args, name) for name in fields
                 if getattr(args, name) is not None}
    for name in ('size', 'travel', 'object_size', 'distractors'):
        if name in overrides:
            overrides[name] = tuple(overrides[name])
    if args.bitrate is not None and args.crf is None:
        overrides['crf'] = None
    camera = {name: getattr(args, name) for name in CAMERA_OPTIONS
              if getattr(args, name) is not None}
    if args.legacy:
        if camera:
            raise SystemExit('--legacy has no camera motion: drop '
                             f'--{" --".join(camera)}.')
        return MotionDatasetSpec.preset('legacy', **overrides)
    if camera:
        overrides['camera'] = dataclasses.replace(CAMERA_PRESETS[args.camera],
                                                  **camera)
    return MotionDatasetSpec.preset(args.camera, **overrides)


def main() -> None:
    args = parse_args()
    spec = build_spec(args)
    start = time.perf_counter()
    generate_motion_dataset(args.root, spec, args.seed, workers=args.workers,
                            write_camera=args.write_camera)
    seconds = time.perf_counter() - start
    videos = len(spec.classes) * (spec.train_per_class + spec.test_per_class)
    print(f'{args.root}: {len(spec.classes)} classes, '
          f'{spec.train_per_class} train and {spec.test_per_class} test videos '
          f'a class; {seconds / videos:.3f} s a video (render + encode)')
    print(f'spec: {spec!r}')


if __name__ == '__main__':
    main()
