"""BalancedPairSchedule: which order pairs train when, in ViDiDi's balanced cycles."""
from collections import Counter
from typing import Dict, List, Sequence, Tuple

import numpy as np

Pair = Tuple[int, int]
MODES = ('alternate', 'epoch', 'random', 'joint')


class BalancedPairSchedule:
    """The order pairs trained at each step, in cycles that visit every pair once.

    - ``alternate``: one pair an iteration, cycling through ``pairs`` in order;
    - ``epoch``: one pair an epoch, cycling likewise;
    - ``random``: one pair an iteration, each cycle a fresh permutation drawn
      from ``(seed, cycle)``, so a resumed run draws the same ones;
    - ``joint``: every pair at every step (the ablation control).

    Every cycle holds each pair once; the pairs must put every order on branch
    A as often as on branch B (checked here), so each cycle is balanced.

    Args:
        pairs: (order on branch A, order on branch B) pairs, distinct.
        mode: one of ``MODES``.
        seed: seed of the ``random`` permutations.
    """

    def __init__(self, pairs: Sequence[Sequence[int]], mode: str = 'alternate',
                 seed: int = 0) -> None:
        if mode not in MODES:
            raise ValueError(f'OrderPairScheduleHook: mode={mode!r} is not one '
                             f'of {MODES}.')
        self.pairs = [tuple(int(order) for order in pair) for pair in pairs]
        self.mode = mode
        self.seed = int(seed)
        on_a = Counter(a for a, _ in self.pairs)
        on_b = Counter(b for _, b in self.pairs)
        if on_a != on_b:
            raise ValueError(
                f'OrderPairScheduleHook: pairs {self.pairs} are not balanced: per '
                f'cycle, branch A holds orders {dict(on_a)} and branch B '
                f'{dict(on_b)}; add the reversed pairs (model.pairs).')

    @property
    def cycle_length(self) -> int:
        return 1 if self.mode == 'joint' else len(self.pairs)

    def pairs_at(self, step: int) -> List[Pair]:
        """Pairs trained at ``step``: the iteration, or the epoch in 'epoch' mode."""
        if self.mode == 'joint':
            return list(self.pairs)
        cycle, position = divmod(step, len(self.pairs))
        if self.mode == 'random':
            permutation = np.random.default_rng([self.seed, cycle]).permutation(
                len(self.pairs))
            return [self.pairs[permutation[position]]]
        return [self.pairs[position]]

    def state_dict(self) -> Dict:
        return dict(pairs=[list(p) for p in self.pairs], mode=self.mode,
                    seed=self.seed)
