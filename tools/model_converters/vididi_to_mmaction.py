"""Turn a ViDiDi checkpoint into a plain MMAction2 backbone checkpoint.

    python tools/model_converters/vididi_to_mmaction.py \
        work_dirs/vididi_simclr_r3d_ucf101/epoch_200.pth vididi_r3d18_ucf101.pth

keeps the online encoder's backbone weights (no projector, no BYOL target, no
optimizer state) under the backbone's own keys (``conv1.conv.weight``, ...), which
is what MMAction2's 3D backbones load from ``backbone.pretrained`` (see
configs/recognition/). ``--prefix backbone.`` keeps the recognizer-level keys
instead, for ``load_from`` or an ``init_cfg`` with ``prefix='backbone.'``.
"""
import argparse
from pathlib import Path

import torch

import mmvididi  # noqa: F401  (checkpoints load with weights_only=True)


def convert(state_dict: dict, prefix: str = '') -> dict:
    """The ``backbone.*`` entries of a ViDiDiRecognizer state dict, their
    ``backbone.`` replaced by ``prefix``."""
    backbone = {prefix + k[len('backbone.'):]: v for k, v in state_dict.items()
                if k.startswith('backbone.')}
    if not backbone:
        raise ValueError('no backbone.* weights: is this a ViDiDiRecognizer '
                         'checkpoint?')
    return backbone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('src', type=Path, help='ViDiDi checkpoint')
    parser.add_argument('dst', type=Path, help='MMAction2 checkpoint to write')
    parser.add_argument('--prefix', default='',
                        help="key prefix, e.g. 'backbone.' (default: none)")
    args = parser.parse_args()

    checkpoint = torch.load(args.src, map_location='cpu')
    state_dict = convert(checkpoint.get('state_dict', checkpoint), args.prefix)
    meta = dict(source=args.src.name, converted_by='mmvididi',
                epoch=checkpoint.get('meta', {}).get('epoch'))
    args.dst.parent.mkdir(parents=True, exist_ok=True)
    torch.save(dict(state_dict=state_dict, meta=meta), args.dst)
    print(f'{args.dst}: {len(state_dict)} backbone tensors from {args.src}')


if __name__ == '__main__':
    main()
