"""Order pairs: which derivative orders are compared, and when.

One module for the pair logic that the model (``ViDiDiRecognizer``) and the
engine (``ViDiDiHook``) share:

- :func:`default_pairs`: every ordered pair of distinct orders, each next to
  its reverse;
- :func:`check_pairs`: the pairs a model may train (distinct, the model's
  orders only, every order used, balanced);
- :class:`BalancedPairSchedule`: the pairs trained at each step, in cycles
  that visit every pair once.

Every error is a :class:`PairError` whose message starts with the config key
at fault (``model.pairs`` or ``ViDiDiHook.mode``) and says the fix.
"""
from collections import Counter
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

#: (order on branch A, order on branch B).
Pair = Tuple[int, int]
#: ``ViDiDiHook.mode`` values.
SCHEDULE_MODES = ('alternate', 'epoch', 'random', 'joint')


class PairError(ValueError):
    """Order pairs or a pair schedule that cannot train."""


def default_pairs(orders: Sequence[int]) -> List[Pair]:
    """Every ordered pair of distinct orders, each next to its reverse:
    (0, 1), (1, 0), (0, 2), (2, 0), (1, 2), (2, 1) for orders 0-2; ``[(0, 0)]``
    for orders ``(0,)``, the plain framework."""
    orders = [int(order) for order in orders]
    if len(orders) == 1:
        return [(orders[0], orders[0])]
    return [pair for i, a in enumerate(orders) for b in orders[i + 1:]
            for pair in ((a, b), (b, a))]


def check_pairs(pairs: Optional[Sequence[Sequence[int]]],
                orders: Sequence[int]) -> List[Pair]:
    """The pairs a model with ``orders`` trains: :func:`default_pairs` when
    ``pairs`` is None, else ``pairs`` as int tuples once checked.

    Raises:
        PairError: unless the pairs are distinct, use exactly ``orders`` and
            are balanced: every order is on branch A in as many pairs as on
            branch B, so that every cycle of a schedule is balanced.
    """
    orders = tuple(int(order) for order in orders)
    if pairs is None:
        return default_pairs(orders)
    pairs = [tuple(pair) for pair in pairs]
    malformed = [p for p in pairs if len(p) != 2]
    if not pairs or malformed:
        raise PairError(
            f'model.pairs={pairs}: give a non-empty list of (order on branch '
            f'A, order on branch B) pairs{"; not pairs: " if malformed else ""}'
            f'{malformed if malformed else ""}.')
    pairs = [(int(a), int(b)) for a, b in pairs]
    unknown = [p for p in pairs if not set(p) <= set(orders)]
    unused = sorted(set(orders) - {order for pair in pairs for order in pair})
    if unknown or unused or len(set(pairs)) != len(pairs):
        raise PairError(
            f'model.pairs={pairs} must be distinct (order A, order B) pairs '
            f'that use exactly the orders {orders} of model.orders'
            f'{"; pairs with other orders: " + str(unknown) if unknown else ""}'
            f'{"; orders in no pair: " + str(unused) if unused else ""}.')
    on_a = Counter(a for a, _ in pairs)
    on_b = Counter(b for _, b in pairs)
    if on_a != on_b:
        raise PairError(
            f'model.pairs={pairs} are not balanced: branch A holds orders '
            f'{dict(sorted(on_a.items()))} and branch B '
            f'{dict(sorted(on_b.items()))}; add the reversed pairs.')
    return pairs


class BalancedPairSchedule:
    """The order pairs trained at each step, in cycles that visit every pair once.

    - ``alternate``: one pair an iteration, cycling through ``pairs`` in order;
    - ``epoch``: one pair an epoch, cycling likewise;
    - ``random``: one pair an iteration, each cycle a fresh permutation drawn
      from ``(seed, cycle)``, so a resumed run draws the same ones;
    - ``joint``: every pair at every step (the ablation control).

    Args:
        pairs: (order on branch A, order on branch B) pairs, checked by
            :func:`check_pairs` against the orders they use.
        mode: one of ``SCHEDULE_MODES``.
        seed: seed of the ``random`` permutations.
    """

    def __init__(self, pairs: Sequence[Sequence[int]], mode: str = 'alternate',
                 seed: int = 0) -> None:
        if mode not in SCHEDULE_MODES:
            raise PairError(f'ViDiDiHook.mode={mode!r} is not one of '
                            f'{SCHEDULE_MODES}.')
        orders = sorted({int(order) for pair in pairs for order in pair})
        self.pairs = check_pairs(pairs, orders)
        self.mode = mode
        self.seed = int(seed)

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
