"""Show what the encoder sees: orders 0, 1 and 2 of a clip, as a PNG grid and a GIF.

    python tools/analysis/visualize_derivatives.py VIDEO [--out-dir DIR]
        [--orders 0 1 2] [--clip-len 8] [--frame-interval 2] [--start 0]

Rows are orders, columns frames. Order 0 is the frames; a derivative is drawn grey
where it is zero, lighter where it is positive and darker where negative, scaled by
its largest magnitude in the clip. Frames are decoded as in training
(``VideoInit`` / ``VideoDecode``: exact) and differentiated by ``TemporalDerivative``.
"""
import argparse
from pathlib import Path

import numpy as np
from PIL import Image

import mmvididi  # noqa: F401
from mmvididi.datasets.transforms import (TemporalDerivative, VideoDecode,
                                          VideoInit)


def clip_orders(video: Path, orders, clip_len: int, frame_interval: int,
                start: int) -> np.ndarray:
    """``(O, T, H, W, 3)`` int16 orders of the clip starting at frame ``start``."""
    results = VideoInit()(dict(filename=str(video)))
    total = results['total_frames']
    span = (clip_len + max(orders) - 1) * frame_interval + 1
    if start + span > total:
        raise SystemExit(f'{video}: {total} frames, but a clip of {clip_len} + '
                         f'{max(orders)} frames every {frame_interval} from frame '
                         f'{start} needs {start + span}; lower --start, '
                         '--clip-len or --frame-interval.')
    results['frame_inds'] = start + frame_interval * np.arange(
        clip_len + max(orders))
    results = VideoDecode()(results)
    return TemporalDerivative(orders=orders)(results)['imgs'][0]


def to_image(order: int, frames: np.ndarray) -> np.ndarray:
    """uint8 ``(T, H, W, 3)`` for display; derivatives around mid-grey."""
    if order == 0:
        return frames.astype(np.uint8)
    scale = max(np.abs(frames).max(), 1)
    return np.clip(127.5 + 127.5 * frames / scale, 0, 255).astype(np.uint8)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('video', type=Path)
    parser.add_argument('--out-dir', type=Path, default=Path('work_dirs/derivatives'))
    parser.add_argument('--orders', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--clip-len', type=int, default=8)
    parser.add_argument('--frame-interval', type=int, default=2)
    parser.add_argument('--start', type=int, default=0)
    args = parser.parse_args()

    orders = clip_orders(args.video, args.orders, args.clip_len,
                         args.frame_interval, args.start)
    rows = [to_image(order, frames) for order, frames in zip(args.orders, orders)]
    grid = np.concatenate([np.concatenate(list(row), axis=1) for row in rows],
                          axis=0)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    stem = args.video.stem
    png = args.out_dir / f'{stem}_orders.png'
    Image.fromarray(grid).save(png)
    # the GIF plays the orders side by side, one frame of the clip at a time
    gif = args.out_dir / f'{stem}_orders.gif'
    movie = [Image.fromarray(np.concatenate([row[t] for row in rows], axis=1))
             for t in range(args.clip_len)]
    movie[0].save(gif, save_all=True, append_images=movie[1:], duration=200,
                  loop=0)
    print(f'{png}: rows are orders {args.orders}, columns {args.clip_len} frames')
    print(f'{gif}: orders {args.orders} side by side')


if __name__ == '__main__':
    main()
