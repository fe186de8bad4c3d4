"""ReproducibleSampler: indices that carry what seeds their augmentation."""
from typing import Iterator, Tuple

from mmaction.registry import DATA_SAMPLERS
from mmengine.dataset import DefaultSampler


@DATA_SAMPLERS.register_module()
class ReproducibleSampler(DefaultSampler):
    """``DefaultSampler`` that yields ``(index, epoch, seed)`` instead of
    ``index``, for ``SkipBrokenVideoDataset``, which seeds the random
    augmentation of each sample from them.

    A sample's augmentation then depends on the run's seed, the epoch and the
    sample only: not on the worker that loads it, the number of workers, or
    whether workers were restarted. So ``--resume`` sees the same clips as an
    uninterrupted run, and persistent workers do not repeat one epoch's
    augmentations in the next (with mmengine's per-worker seeding alone, a
    restarted worker replays its first epoch's random numbers).

    Args: as ``DefaultSampler`` (``shuffle``, ``seed``, ``round_up``).
    """

    def __iter__(self) -> Iterator[Tuple[int, int, int]]:
        return ((index, self.epoch, self.seed) for index in super().__iter__())
