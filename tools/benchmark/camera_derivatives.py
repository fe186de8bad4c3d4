"""What a moving camera does to the first derivative, with and without
camera-motion compensation, along the camera ladder.

    python tools/benchmark/camera_derivatives.py [--videos 64] [--size 32]
        [--compensation similarity] [--stabilize [--crop-margin 0.1]]
        [--figure docs/images/camera_derivatives.png]
        [--json work_dirs/camera_derivatives.json]
        [--decoded static=ROOT handheld=ROOT ...]

Every rung films the same scenes from the same seed (MotionDatasetSpec.preset),
so the static rung's first derivative is the motion of the scene alone (target,
distractors, flicker, noise). For each rung and each of --videos videos (seed 0,
frames before encoding), a training-like clip (10 frames, every 2nd, resized to
--size) is differenced plainly and after ViDiDiDataPreprocessor's camera-motion
compensation (mmvididi.motion_compensation); the table gives the mean square of
order 1 (grey levels^2, over valid pixels) relative to the static rung's plain
one: the share of the derivative that the camera, not the scene, puts there is
1 - 1 / ratio (0 where the ratio is below 1), and the share of order 1's
pixels that keep data after compensation. --stabilize compensates by
stabilising the clip (every frame warped onto the middle one, the frames too:
MotionCompensation(stabilize=True)), --crop-margin crops the stabilised clip
to the reference frame's centre (MotionCompensation(crop_margin=...)). The
figure shows one handheld and one strong video: frames, plain order 1,
compensated order 1. --decoded reads the
named rungs' clips from the first --videos test videos of a generated data set
instead (generate.py ROOT --camera RUNG, the same seed for every rung: the same
scenes), decoded after H.264: what the coding adds to each derivative; the
static rung must be among them (the reference).
"""
import argparse
import json
from pathlib import Path

import cv2
import numpy as np
import torch
from PIL import Image, ImageDraw

from mmvididi.data_preparation.synthetic_motion import (MotionDatasetSpec,
                                                        render_scene)
from mmvididi.derivatives import temporal_derivatives
from mmvididi.motion_compensation import MotionCompensation
from mmvididi.video import DEFAULT_BACKEND, open_video

LADDER = ('static', 'mild', 'handheld', 'strong')
CLIP, INTERVAL = 10, 2  # the synthetic configs' 8 frames + 2, every 2nd


def clip_indices(num_frames: int) -> np.ndarray:
    """The training clip's frames: ``CLIP`` every ``INTERVAL`` from the
    middle of a video of ``num_frames``."""
    start = (num_frames - (CLIP - 1) * INTERVAL) // 2
    return start + INTERVAL * np.arange(CLIP)


def clip(frames: np.ndarray, size: int) -> np.ndarray:
    """The training clip (``clip_indices``) of ``frames``, resized to
    ``size`` (float32 ``(T, H, W, 3)``)."""
    return resized(frames[clip_indices(len(frames))], size)


def resized(frames, size: int) -> np.ndarray:
    """``frames`` resized to ``size`` x ``size``, float32 ``(T, H, W, 3)``."""
    return np.stack([cv2.resize(f, (size, size), interpolation=cv2.INTER_LINEAR)
                     for f in frames]).astype(np.float32)


def order1(clips: np.ndarray, compensation):
    """``(B, T, H, W, 3)`` plain or compensated order 1 and valid masks."""
    frames = torch.from_numpy(clips)
    if compensation is None:
        diff = temporal_derivatives(frames[:, :CLIP - 1], [1], time_dim=1)[0]
        return diff, torch.ones(diff.shape[:4], dtype=torch.bool)
    out, masks = compensation.derivatives(frames[:, :CLIP - 1], (0, 1))
    return out[1], masks[1]


def mean_square(diff: torch.Tensor, valid: torch.Tensor) -> np.ndarray:
    """Per clip mean square over valid pixels and channels."""
    total = (diff.pow(2).sum(-1) * valid).flatten(1).sum(1)
    return (total / (valid.flatten(1).sum(1).clamp_min(1) * diff.shape[-1])
            ).numpy()


def rendered_clips(videos: int, size: int) -> dict:
    """Each rung's clips of its first ``videos`` scenes, before encoding."""
    clips = {}
    for name in LADDER:
        spec = MotionDatasetSpec.preset(name)
        clips[name] = np.stack([
            clip(render_scene(np.random.default_rng([0, i]), spec,
                              i % len(spec.classes)).frames, size)
            for i in range(videos)])
    return clips


def decoded_clip(path: Path, size: int) -> np.ndarray:
    """The training clip of a video file, decoded as training decodes it
    (``open_video``, the configs' backend), resized to ``size``."""
    with open_video(str(path), DEFAULT_BACKEND) as video:
        return resized(video.get_frames(clip_indices(len(video))), size)


def decoded_clips(roots: dict, videos: int, size: int) -> dict:
    """Each named rung's clips of the first ``videos`` test videos (sorted
    paths) under its data set's root, decoded."""
    if 'static' not in roots:
        raise SystemExit('--decoded: give the static rung too (static=ROOT), '
                         'the reference of every ratio.')
    clips = {}
    for name, root in roots.items():
        paths = sorted(Path(root).glob('videos/test/*/*.*'))[:videos]
        if len(paths) < videos:
            raise SystemExit(f'--decoded {name}={root}: {len(paths)} test '
                             f'videos under {root}/videos/test, {videos} '
                             'asked for (--videos).')
        clips[name] = np.stack([decoded_clip(p, size) for p in paths])
    return clips


def measure(clips: dict, compensation) -> dict:
    """Per rung of ``clips`` (``'static'`` among them), order 1's mean
    square, plain and compensated, relative to the static rung's plain
    one, and the share of its pixels with data."""
    reference = mean_square(*order1(clips['static'], None))
    rows = {}
    for name in clips:
        row = {}  # ratio: order 1's mean square / the static rung's plain one
        for label, method in (('plain', None), ('compensated', compensation)):
            diff, valid = order1(clips[name], method)
            ratio = mean_square(diff, valid) / reference
            row[label] = dict(ratio_mean=float(ratio.mean()),
                              ratio_median=float(np.median(ratio)),
                              camera_share=float(1 - 1 / ratio.mean()),
                              valid=float(valid.float().mean()))
        rows[name] = row
    return rows


def to_grey(diff: np.ndarray, scale: float) -> np.ndarray:
    return np.clip(127.5 + 127.5 * diff / scale, 0, 255).astype(np.uint8)


def figure(path: Path, compensation, frames: int = 6, zoom: int = 3) -> None:
    """For a handheld and a strong video: its frames, plain order 1 and
    compensated order 1 (one scale per video: the plain order's 99th
    percentile), 64 x 64 scaled up ``zoom`` times."""
    rows, labels = [], []
    for name, index in (('handheld', 1), ('strong', 1)):
        spec = MotionDatasetSpec.preset(name)
        video = render_scene(np.random.default_rng([0, index]), spec,
                             index % len(spec.classes)).frames
        pick = video[8:8 + 2 * frames + 1:2].astype(np.float32)[None]
        plain, _ = order1(pick, None)
        aligned, _ = order1(pick, compensation)
        scale = float(np.percentile(np.abs(plain.numpy()), 99)) or 1.0
        gap = np.full((video.shape[1], 2, 3), 255, np.uint8)
        for images, label in (
                (pick[0, :frames].astype(np.uint8), f'{name}: frames'),
                (to_grey(plain[0].numpy(), scale), 'order 1, plain'),
                (to_grey(aligned[0].numpy(), scale), 'order 1, compensated')):
            pieces = [p for image in images[:frames] for p in (image, gap)]
            rows.append(np.concatenate(pieces[:-1], axis=1))
            labels.append(label)
    margin = 150
    height = rows[0].shape[0] * zoom
    canvas = Image.new('RGB', (rows[0].shape[1] * zoom + margin,
                               (height + 4) * len(rows)), 'white')
    draw = ImageDraw.Draw(canvas)
    for i, (row, label) in enumerate(zip(rows, labels)):
        image = Image.fromarray(row).resize(
            (row.shape[1] * zoom, height), Image.NEAREST)
        canvas.paste(image, (margin, i * (height + 4)))
        draw.text((4, i * (height + 4) + height // 2 - 6), label, fill='black')
    path.parent.mkdir(parents=True, exist_ok=True)
    canvas.save(path)


def clip_parser(description: str) -> argparse.ArgumentParser:
    """A command line with the options of the ladder's clips that the camera
    tools share: ``--videos`` a rung and the clip's ``--size``."""
    parser = argparse.ArgumentParser(
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--videos', type=int, default=64)
    parser.add_argument('--size', type=int, default=32,
                        help='clip side, as in training (default 32)')
    return parser


def main() -> None:
    parser = clip_parser(__doc__)
    parser.add_argument('--compensation', default='similarity',
                        help='MotionCompensation model (default %(default)s)')
    parser.add_argument('--stabilize', action='store_true',
                        help='compensate by stabilising the clip')
    parser.add_argument('--crop-margin', type=float, default=0.0,
                        help="with --stabilize, MotionCompensation's "
                        'crop_margin (default 0: the whole frame)')
    parser.add_argument('--figure', type=Path,
                        default=Path('docs/images/camera_derivatives.png'))
    parser.add_argument('--json', type=Path,
                        default=Path('work_dirs/camera_derivatives.json'))
    parser.add_argument('--decoded', nargs='+', metavar='RUNG=ROOT',
                        help='read these rungs from the decoded test videos '
                        'of data sets generate.py wrote (static among them)')
    args = parser.parse_args()
    compensation = MotionCompensation(model=args.compensation,
                                      stabilize=args.stabilize,
                                      crop_margin=args.crop_margin)
    if args.decoded:
        roots = dict(item.split('=', 1) for item in args.decoded)
        clips = decoded_clips(roots, args.videos, args.size)
    else:
        clips = rendered_clips(args.videos, args.size)
    rows = measure(clips, compensation)
    print('| camera | order 1 mean square / static, plain | the camera\'s '
          'share | order 1 mean square / static, compensated | its pixels '
          'with data |')
    print('| --- | --- | --- | --- | --- |')
    for name, row in rows.items():
        plain, aligned = row['plain'], row['compensated']
        print(f'| {name} | {plain["ratio_mean"]:.2f} | '
              f'{100 * max(plain["camera_share"], 0):.0f} % | '
              f'{aligned["ratio_mean"]:.2f} | {100 * aligned["valid"]:.0f} % |')
    args.json.parent.mkdir(parents=True, exist_ok=True)
    record = dict(vars(args), rows=rows)
    args.json.write_text(json.dumps(record, default=str, indent=2))
    figure(args.figure, compensation)
    print(f'wrote {args.figure} and {args.json}')


if __name__ == '__main__':
    main()
