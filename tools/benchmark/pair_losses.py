"""The mean training loss of each order pair over a run's last steps, from the
message hub's history that every mmengine checkpoint carries
(``train/loss`` and ``ViDiDiHook``'s pair orders, one value a step):

    python tools/benchmark/pair_losses.py CHECKPOINT [CHECKPOINT ...] [--last 480]

One markdown row a checkpoint: the mean loss of each pair ``(a, b)`` over the
last ``--last`` steps (480: the last 10 epochs of 48 steps). Tells which pairs
of orders a run found hard, e.g. with and without camera-motion compensation.
"""
import argparse
from pathlib import Path
from typing import Dict, Sequence, Tuple

import numpy as np

from mmvididi.engine.hooks.vididi_hook import ORDER_A_SCALAR, ORDER_B_SCALAR
from mmvididi.utils.checkpoint_loading import load_weights_only

#: mmengine's scalar of the training loss, one value a step
LOSS_SCALAR = 'train/loss'

Pair = Tuple[int, int]


def pair_losses(checkpoint: Path, last: int) -> Dict[Pair, float]:
    """``{(a, b): mean loss}`` over the last ``last`` steps of the run."""
    state = load_weights_only(checkpoint, map_location='cpu')
    scalars = state['message_hub']['log_scalars']
    keys = (LOSS_SCALAR, ORDER_A_SCALAR, ORDER_B_SCALAR)
    missing = [key for key in keys if key not in scalars]
    if missing:
        raise ValueError(
            f'{checkpoint}: its message hub has no {missing}; pair_losses '
            'needs a ViDiDi run trained with one pair a step (pair schedule '
            "mode 'alternate', 'epoch' or 'random', not 'joint').")
    loss, order_a, order_b = (np.asarray(scalars[key].data[0])[-last:]
                              for key in keys)
    pairs = sorted({(int(a), int(b)) for a, b in zip(order_a, order_b)})
    return {(a, b): float(loss[(order_a == a) & (order_b == b)].mean())
            for a, b in pairs}


def table(rows: Dict[str, Dict[Pair, float]]) -> str:
    """Markdown: one row a checkpoint, one column a pair."""
    pairs: Sequence[Pair] = sorted({p for row in rows.values() for p in row})
    lines = ['| checkpoint | ' + ' | '.join(f'({a}, {b})' for a, b in pairs)
             + ' |', '| --- |' + ' --- |' * len(pairs)]
    for name, row in rows.items():
        lines.append(f'| {name} | ' + ' | '.join(
            f'{row[p]:.2f}' if p in row else '' for p in pairs) + ' |')
    return '\n'.join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('checkpoints', type=Path, nargs='+')
    parser.add_argument('--last', type=int, default=480,
                        help='steps at the end of the run to average over')
    args = parser.parse_args()
    print(table({str(c): pair_losses(c, args.last) for c in args.checkpoints}))


if __name__ == '__main__':
    main()
