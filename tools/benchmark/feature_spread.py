"""How far apart a model's features of different videos are: a collapse check.

    python tools/benchmark/feature_spread.py CONFIG CHECKPOINT [CHECKPOINT ...] \
        --videos work_dirs/supervised/data_handheld_4x/test_videos.txt [--limit 64]

For each checkpoint (``random`` for the config's encoder as built with
``--seed``), the pooled backbone features of the first ``--limit`` videos of
the list (through the config's test pipeline, ``model.feature_orders`` blocks
of one order each) and, per order, one markdown row:

- the mean cosine between the L2-normalised features of two different videos
  (1: every video gets the same direction, a collapsed encoder);
- the standard deviation of each normalised feature over the videos, averaged
  over its dimensions (0: collapsed).

The pooled features follow a ReLU, so the cosines are positive: a randomly
initialised encoder is not at 0 (the docs give its values as the reference).
"""
import argparse
from pathlib import Path
from typing import List, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.runner import set_random_seed

from mmvididi.apis import extract_video_features, init_model
from mmvididi.utils import exit_on_user_error, list_videos

#: a checkpoint argument that means "the encoder as the config builds it"
RANDOM = 'random'


def feature_spread(features: torch.Tensor,
                   blocks: int) -> List[Tuple[float, float]]:
    """``(mean cosine between different rows, mean standard deviation of the
    normalised columns)`` of each of the ``blocks`` equal column blocks of the
    ``(N, blocks * C)`` ``features``, N >= 2."""
    n = features.shape[0]
    if n < 2:
        raise ValueError(f'feature_spread needs 2 or more videos, got {n}.')
    spread = []
    for block in features.float().chunk(blocks, dim=1):
        unit = F.normalize(block, dim=1)
        cosine = ((unit @ unit.T).sum() - unit.pow(2).sum()) / (n * (n - 1))
        spread.append((float(cosine), float(unit.std(dim=0).mean())))
    return spread


def rows(config: str, checkpoints: Sequence[str], videos: List[str],
         seed: int) -> List[str]:
    """The markdown table: a row per checkpoint and order."""
    out = ['| checkpoint | order | mean cosine | mean std |',
           '| --- | --- | --- | --- |']
    for checkpoint in checkpoints:
        set_random_seed(seed)  # the encoder of a 'random' row
        model = init_model(config,
                           None if checkpoint == RANDOM else checkpoint)
        features = extract_video_features(model, videos)
        orders = list(model.feature_orders)
        for order, (cosine, std) in zip(
                orders, feature_spread(features, len(orders))):
            out.append(f'| {checkpoint} | {order} | {cosine:.4f} | '
                       f'{std:.4f} |')
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoints', nargs='+',
                        help=f'checkpoint files, or {RANDOM!r}')
    parser.add_argument('--videos', type=Path, required=True,
                        help='a list of videos, one a line (a label may '
                        'follow the path)')
    parser.add_argument('--video-root', type=Path,
                        help="the list's folder; default: the folder "
                        '"videos" beside the list')
    parser.add_argument('--limit', type=int, default=64)
    parser.add_argument('--seed', type=int, default=0,
                        help=f'the seed of the {RANDOM!r} encoder')
    args = parser.parse_args()
    root = args.video_root or args.videos.parent / 'videos'
    with exit_on_user_error():
        videos = list_videos(args.videos, root).paths[:args.limit]
    print('\n'.join(rows(args.config, args.checkpoints, videos, args.seed)))


if __name__ == '__main__':
    main()
