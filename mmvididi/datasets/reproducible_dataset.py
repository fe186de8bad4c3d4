"""ReproducibleDataset: seeds each sample's augmentation from (index, epoch, seed)."""
import copy
import random
from typing import Union

import numpy as np
import torch
from mmaction.registry import DATASETS


def sample_seed(index: int, epoch: int, seed: int) -> int:
    """The seed of one sample's random augmentation: a function of the run's
    ``seed``, the ``epoch`` and the sample's ``index`` only."""
    return int(np.random.SeedSequence([seed, epoch, index]).generate_state(1)[0])


def seed_everything(seed: int) -> None:
    """Seed Python's, numpy's and torch's global random numbers."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


@DATASETS.register_module()
class ReproducibleDataset:
    """Outermost dataset wrapper that makes random augmentation reproducible.

    It takes the ``(index, epoch, seed)`` indices of ``ReproducibleSampler``,
    seeds Python's, numpy's and torch's random numbers from them
    (:func:`sample_seed`), and asks the dataset it wraps for ``index``, a
    plain integer. A sample's augmentation then depends on the run's seed, the
    epoch and the sample only: not on the worker that loads it, the number of
    workers, or whether workers were restarted; so ``--resume`` sees the same
    clips as an uninterrupted run. Any dataset works inside it, MMAction2's
    ``RepeatDataset`` and ``ConcatDataset`` included::

        train_dataloader = dict(
            sampler=dict(type='ReproducibleSampler', shuffle=True),
            dataset=dict(type='ReproducibleDataset', dataset=dict(
                type='RepeatDataset', times=2, dataset=dict(
                    type='SkipBrokenVideoDataset', ...))))

    The two come together: ``ReproducibleSampler`` refuses any other dataset,
    and this wrapper refuses a plain index (another sampler).

    Args:
        dataset: the dataset, or its config.
        lazy_init: as mmengine's dataset wrappers: defer ``full_init``.
    """

    def __init__(self, dataset: Union[dict, object],
                 lazy_init: bool = False) -> None:
        self.dataset = DATASETS.build(dataset) if isinstance(dataset, dict) \
            else dataset
        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    @property
    def metainfo(self) -> dict:
        return copy.deepcopy(getattr(self.dataset, 'metainfo', {}))

    def full_init(self) -> None:
        if self._fully_initialized:
            return
        if hasattr(self.dataset, 'full_init'):
            self.dataset.full_init()
        self._fully_initialized = True

    def get_data_info(self, idx: int) -> dict:
        return self.dataset.get_data_info(idx)

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index) -> dict:
        if not (isinstance(index, tuple) and len(index) == 3):
            raise TypeError(
                f'ReproducibleDataset got the index {index!r}, not (index, '
                'epoch, seed): it seeds augmentation from what '
                'ReproducibleSampler yields; set the dataloader\'s sampler to '
                "dict(type='ReproducibleSampler', shuffle=True), or remove "
                'the ReproducibleDataset wrapper.')
        index, epoch, seed = (int(x) for x in index)
        seed_everything(sample_seed(index, epoch, seed))
        return self.dataset[index]

    def __repr__(self) -> str:
        return f'ReproducibleDataset(\n{self.dataset!r})'
