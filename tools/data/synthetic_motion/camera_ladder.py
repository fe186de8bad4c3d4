"""Save sample frames of the synthetic motion benchmark: for each video, one
row a camera preset.

    python tools/data/synthetic_motion/camera_ladder.py \
        [--out docs/images/camera_ladder.png] [--presets static mild handheld strong] \
        [--videos 2] [--frames 6] [--size 64] [--seed 0]

Each row is one video (the same seed and class on every rung, so the rows differ
by their camera only), frames evenly spaced over the clip, drawn before
encoding, scaled up 2x without smoothing.
"""
import argparse
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from mmvididi.data_preparation.synthetic_motion import (CAMERA_PRESETS,
                                                        MotionDatasetSpec,
                                                        render_scene)


def ladder_strip(presets, videos: int, frames: int, size: int, seed: int,
                 zoom: int = 2) -> Image.Image:
    """One row of ``frames`` frames for each preset of each video, labelled."""
    rows, labels = [], []
    for video in range(videos):
        for name in presets:
            spec = MotionDatasetSpec.preset(name, size=(size, size))
            label = (3 * video) % len(spec.classes)
            rendered = render_scene(np.random.default_rng([seed, video]), spec,
                                    label)
            picks = np.linspace(0, spec.num_frames - 1, frames).round()
            gap = np.full((size, 2, 3), 255, np.uint8)
            row = [piece for i in picks.astype(int)
                   for piece in (rendered.frames[i], gap)]
            rows.append(np.concatenate(row[:-1], axis=1))
            labels.append(f'{name}: {spec.classes[label]}')
    margin = 130
    width = rows[0].shape[1] * zoom + margin
    height = sum(r.shape[0] * zoom + 4 for r in rows)
    image = Image.new('RGB', (width, height), 'white')
    draw = ImageDraw.Draw(image)
    top = 0
    for row, label in zip(rows, labels):
        tile = Image.fromarray(row).resize(
            (row.shape[1] * zoom, row.shape[0] * zoom), Image.NEAREST)
        image.paste(tile, (margin, top))
        draw.text((4, top + tile.height // 2 - 6), label, fill='black')
        top += tile.height + 4
    return image


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--out', type=Path,
                        default=Path('docs/images/camera_ladder.png'))
    parser.add_argument('--presets', nargs='+', default=list(CAMERA_PRESETS),
                        choices=[*CAMERA_PRESETS, 'legacy'])
    parser.add_argument('--videos', type=int, default=2,
                        help='videos (rows) a preset')
    parser.add_argument('--frames', type=int, default=6)
    parser.add_argument('--size', type=int, default=64)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    image = ladder_strip(args.presets, args.videos, args.frames, args.size,
                         args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    image.save(args.out, optimize=True)
    print(f'{args.out}: {image.width} x {image.height}')


if __name__ == '__main__':
    main()
