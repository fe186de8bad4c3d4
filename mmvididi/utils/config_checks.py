"""Checks of a ViDiDi training config that need more than one component."""
from mmengine.config import Config

from mmvididi.derivatives import check_orders

BATCH_FRAMEWORKS = ('SimCLR', 'VICReg')  # losses over the batch
#: dataset wrappers with one inner ``dataset``
DATASET_WRAPPERS = ('ReproducibleDataset', 'RepeatDataset',
                    'ClassBalancedDataset')


def innermost_dataset_cfg(dataset_cfg):
    """The config of the dataset inside ``dataset_cfg``'s wrappers
    (``DATASET_WRAPPERS``; the first of a ``ConcatDataset``), e.g. the
    ``SkipBrokenVideoDataset`` of ``cfg.train_dataloader.dataset``, whose
    ``ann_file``, ``data_prefix`` and ``pipeline`` a script may set."""
    while True:
        kind = dataset_cfg.get('type')
        if kind in DATASET_WRAPPERS:
            dataset_cfg = dataset_cfg['dataset']
        elif kind == 'ConcatDataset':
            dataset_cfg = dataset_cfg['datasets'][0]
        else:
            return dataset_cfg


def _transforms(pipeline):
    """Every transform config of a pipeline, those inside MultiView too."""
    for transform in pipeline or []:
        yield transform
        for view in transform.get('transforms', []) \
                if transform.get('type') == 'MultiView' else []:
            yield from _transforms(view if isinstance(view, list) else [view])


def check_vididi_config(cfg: Config) -> None:
    """Raise ``ValueError`` naming the key and the fix for a ViDiDi training
    config whose model, pipeline and batch do not fit together; ``ViDiDiHook``
    calls it before the run (``default_hooks.pair_schedule``)."""
    model = cfg.get('model') or {}
    loader = cfg.get('train_dataloader') or {}
    if model.get('type') != 'ViDiDiRecognizer' or not loader:
        return
    orders = check_orders(model.get('orders', (0, 1, 2)), 'model.orders')
    dataset = innermost_dataset_cfg(loader.get('dataset') or {})
    transforms = list(_transforms(dataset.get('pipeline')))
    derivative = next((t for t in transforms
                       if t.get('type') == 'TemporalDerivative'), None)
    if derivative is None:
        raise ValueError(
            'the training pipeline (train_dataloader.dataset...pipeline) has '
            'no TemporalDerivative; add '
            "dict(type='TemporalDerivative', orders=(0, 1, 2)) after the "
            'augmentations.')
    data_orders = check_orders(derivative.get('orders', (0, 1, 2)),
                               'TemporalDerivative.orders')
    missing = sorted(set(orders) - set(data_orders))
    if missing:
        raise ValueError(
            f'model.orders={orders} (and so model.pairs) use orders {missing} '
            f'that the training pipeline does not produce '
            f'(TemporalDerivative orders={data_orders}); add them to '
            'TemporalDerivative.orders in the training pipeline.')
    for transform in transforms:
        if transform.get('type') == 'SampleFrames' and \
                transform.get('clip_len', 0) < max(data_orders) + 1:
            raise ValueError(
                f"SampleFrames clip_len={transform.get('clip_len')} in the "
                f'training pipeline is too short for orders up to '
                f'{max(data_orders)}: set clip_len = T + {max(data_orders)} '
                'for T >= 1 frames of every order.')
    framework = (model.get('framework') or {}).get('type')
    if framework in BATCH_FRAMEWORKS and loader.get('batch_size', 2) < 2:
        raise ValueError(
            f"train_dataloader.batch_size={loader.get('batch_size')}: "
            f'{framework} compares the videos of a batch and needs at least 2; '
            'raise it.')


def check_seeded_loader(cfg: Config, loader_key: str = 'train_dataloader') -> None:
    """Raise ``ValueError`` unless ``cfg[loader_key]`` has both
    ``ReproducibleSampler`` and the ``ReproducibleDataset`` wrapper outermost,
    or neither: the sampler yields ``(index, epoch, seed)``, which only the
    wrapper takes, and the wrapper needs them. ``ViDiDiHook`` calls it before
    the run; ``ReproducibleSampler`` also refuses another dataset when built."""
    loader = cfg.get(loader_key) or {}
    if not loader:
        return
    sampler = (loader.get('sampler') or {}).get('type')
    dataset = (loader.get('dataset') or {}).get('type')
    if (sampler == 'ReproducibleSampler') != (dataset == 'ReproducibleDataset'):
        raise ValueError(
            f'{loader_key}.sampler.type={sampler!r} and {loader_key}.dataset.'
            f'type={dataset!r}: ReproducibleSampler and the '
            'ReproducibleDataset wrapper (outermost) come together; use both '
            "(sampler=dict(type='ReproducibleSampler', shuffle=True), "
            "dataset=dict(type='ReproducibleDataset', dataset=dict(...))) or "
            'neither.')
