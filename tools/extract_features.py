"""Features of your videos from a config and a checkpoint.

    python tools/extract_features.py CONFIG CHECKPOINT VIDEOS --out features.npz
        [--video-root DIR] [--batch-size 4] [--num-workers 0] [--device cpu]
        [--cfg-options key=value ...]

VIDEOS is a folder (every video file under it, sorted by path) or a text file
with one video a line (``<path>`` or MMAction2's ``<path> <label>``; relative
paths are taken from ``--video-root``, default the current folder). The
features are the model's ``predict`` features through the config's test
pipeline (``mmvididi.apis.extract_video_features``): with
``configs/retrieval/*.py``, those that video retrieval compares.

``--out`` ending in ``.npz`` writes ``features`` (float32, videos x dims) and
``videos`` (the paths as listed, or relative to the folder); ``.pt`` writes a
dict with the same keys (a tensor and a list).
"""
import argparse
from pathlib import Path
from typing import List

import numpy as np
import torch
from mmengine.config import DictAction

import mmvididi  # noqa: F401  (compat fixes and registration)
from mmvididi.apis import VideoLoadError, extract_video_features, init_model
from mmvididi.utils import exit_on_user_error, list_videos, load_config


def save(out: Path, features: torch.Tensor, names: List[str]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == '.npz':
        np.savez(out, features=features.numpy().astype(np.float32),
                 videos=np.array(names))
    else:
        torch.save(dict(features=features, videos=names), out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='config file, e.g. configs/retrieval/'
                        'vididi_r3d_ucf101_split1.py')
    parser.add_argument('checkpoint', help='checkpoint file or URL')
    parser.add_argument('videos', type=Path,
                        help='a folder of videos, or a text file listing them')
    parser.add_argument('--out', type=Path, required=True,
                        help='features.npz or features.pt')
    parser.add_argument('--video-root', type=Path,
                        help='folder of the relative paths of a list')
    parser.add_argument('--batch-size', type=int, default=4)
    parser.add_argument('--num-workers', type=int, default=0,
                        help='processes decoding the videos')
    parser.add_argument('--device', default='cpu', help='e.g. cuda:0')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, e.g. '
                        'model.feature_orders="(0,1)"')
    args = parser.parse_args()
    if args.out.suffix not in ('.npz', '.pt'):
        parser.error(f'--out {args.out}: give a .npz or .pt file')

    # one line that names the file, exit status 2
    with exit_on_user_error(FileNotFoundError, ValueError, VideoLoadError):
        cfg = load_config(args.config)
        names, paths = list_videos(args.videos, args.video_root)
        model = init_model(cfg, args.checkpoint, device=args.device,
                           cfg_options=args.cfg_options)
        features = extract_video_features(
            model, paths, batch_size=args.batch_size,
            num_workers=args.num_workers)
    save(args.out, features, names)
    print(f'wrote {args.out}: {len(names)} videos x {features.shape[1]} '
          f'features ({args.config}, {args.checkpoint})')


if __name__ == '__main__':
    main()
