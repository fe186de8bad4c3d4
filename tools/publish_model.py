"""Prepare a checkpoint for the model zoo: weights only, hash in the name.

    python tools/publish_model.py work_dirs/vididi_simclr_r3d_ucf101/epoch_200.pth \
        vididi_simclr_r3d_ucf101_20261125.pth

keeps ``state_dict`` and ``meta`` (drops optimizer, schedulers and logs), writes
``vididi_simclr_r3d_ucf101_20261125-<first 8 hex of its SHA-256>.pth`` and prints
the name. A URL of that file is checked against the hash when mmvididi loads it.
"""
import argparse
from pathlib import Path

import torch

from mmvididi.utils.checkpoint_loading import load_weights_only, sha256_of


def publish(src: Path, dst: Path) -> Path:
    """Write the weights of ``src`` next to ``dst``, hash-suffixed; its path."""
    checkpoint = load_weights_only(src, map_location='cpu')
    slim = {k: checkpoint[k] for k in ('state_dict', 'meta') if k in checkpoint}
    if 'state_dict' not in slim:
        raise ValueError(f'{src} has no state_dict.')
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_suffix('.tmp')
    torch.save(slim, tmp)
    final = dst.with_name(f'{dst.stem}-{sha256_of(tmp)[:8]}{dst.suffix}')
    tmp.replace(final)
    return final


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('src', type=Path, help='checkpoint to publish')
    parser.add_argument('dst', type=Path, help='name of the published file')
    args = parser.parse_args()
    print(publish(args.src, args.dst))


if __name__ == '__main__':
    main()
