"""ReproducibleSampler: indices that carry what seeds their augmentation."""
from typing import Iterator, Tuple

from mmaction.registry import DATA_SAMPLERS
from mmengine.dataset import DefaultSampler

from mmvididi.datasets.reproducible_dataset import ReproducibleDataset


@DATA_SAMPLERS.register_module()
class ReproducibleSampler(DefaultSampler):
    """``DefaultSampler`` that yields ``(index, epoch, seed)`` instead of
    ``index``, for :class:`~mmvididi.datasets.ReproducibleDataset`, which seeds
    the random augmentation of each sample from them and passes ``index`` on.

    A sample's augmentation then depends on the run's seed, the epoch and the
    sample only: not on the worker that loads it, the number of workers, or
    whether workers were restarted. So ``--resume`` sees the same clips as an
    uninterrupted run, and persistent workers do not repeat one epoch's
    augmentations in the next (with mmengine's per-worker seeding alone, a
    restarted worker replays its first epoch's random numbers).

    The dataset must be a ``ReproducibleDataset`` (outermost): any other is
    refused when the dataloader is built.

    Args: as ``DefaultSampler`` (``shuffle``, ``seed``, ``round_up``).
    """

    def __init__(self, dataset, *args, **kwargs) -> None:
        if not isinstance(dataset, ReproducibleDataset):
            raise TypeError(
                f'ReproducibleSampler yields (index, epoch, seed) for a '
                f'ReproducibleDataset, and the dataset is a '
                f'{type(dataset).__name__}; wrap it, outermost: '
                "dataset=dict(type='ReproducibleDataset', dataset=dict(type="
                f"'{type(dataset).__name__}', ...)), or use "
                "sampler=dict(type='DefaultSampler').")
        super().__init__(dataset, *args, **kwargs)

    def __iter__(self) -> Iterator[Tuple[int, int, int]]:
        return ((index, self.epoch, self.seed) for index in super().__iter__())
