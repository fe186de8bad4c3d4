"""Checks of a ViDiDi training config that need more than one component."""
from mmengine.config import Config

from mmvididi.derivatives import check_orders

BATCH_FRAMEWORKS = ('SimCLR', 'VICReg')  # losses over the batch


def _transforms(pipeline):
    """Every transform config of a pipeline, those inside MultiView too."""
    for transform in pipeline or []:
        yield transform
        for view in transform.get('transforms', []) \
                if transform.get('type') == 'MultiView' else []:
            yield from _transforms(view if isinstance(view, list) else [view])


def check_vididi_config(cfg: Config) -> None:
    """Raise ``ValueError`` naming the key and the fix for a ViDiDi training
    config whose model, pipeline and batch do not fit together; tools/train.py
    calls it before building anything."""
    model = cfg.get('model') or {}
    loader = cfg.get('train_dataloader') or {}
    if model.get('type') != 'ViDiDiRecognizer' or not loader:
        return
    orders = check_orders(model.get('orders', (0, 1, 2)), 'model.orders')
    transforms = list(_transforms(loader.get('dataset', {}).get('pipeline')))
    derivative = next((t for t in transforms
                       if t.get('type') == 'TemporalDerivative'), None)
    if derivative is None:
        raise ValueError(
            'train_dataloader.dataset.pipeline has no TemporalDerivative; add '
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
            'TemporalDerivative.orders in train_dataloader.dataset.pipeline.')
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
