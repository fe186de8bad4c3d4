"""What users call first: a model from a config and a checkpoint, and the features
of their videos.

    from mmvididi.apis import extract_video_features, init_model

    model = init_model('configs/retrieval/vididi_r3d_ucf101_split1.py',
                       'work_dirs/vididi_simclr_r3d_ucf101/epoch_200.pth')
    features = extract_video_features(model, ['a.mp4', 'b.avi'])  # (2, 512)

``tools/extract_features.py`` does the same from the command line. The features
are those of retrieval and of the kNN monitor: the model's ``predict`` feature,
read through the config's test pipeline (for a ViDiDi model: per order of
``model.feature_orders``, the pooled backbone features averaged over the clips,
L2-normalised, concatenated).
"""
import copy
import warnings
from pathlib import Path
from typing import List, Optional, Sequence, Union

import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import _load_checkpoint, load_state_dict

from mmvididi.utils.checkpoint_fit import (check_checkpoint_fits,
                                           checkpoint_state)
from mmvididi.utils.config_loading import load_config
from mmvididi.utils.prediction_fields import FEATURE_FIELD
from mmvididi.utils.preprocessing_match import (mismatch_message,
                                                preprocessing_mismatch,
                                                trained_preprocessor_cfg)

PathLike = Union[str, Path]


class VideoLoadError(RuntimeError):
    """A video given to :func:`extract_video_features` could not be read."""


def init_model(config: Union[PathLike, Config],
               checkpoint: Optional[PathLike] = None,
               device: Union[str, torch.device] = 'cpu',
               cfg_options: Optional[dict] = None) -> torch.nn.Module:
    """Build the model of ``config`` and load ``checkpoint`` into it, as
    MMAction2's ``init_recognizer`` does.

    The checkpoint (a path or URL) loads through mmvididi's checkpoint
    loaders: ``torch.load(weights_only=True)``, and a URL's SHA-256 prefix is
    checked (see :mod:`mmvididi.utils.checkpoint_loading`). Every backbone
    weight must be in it with the model's shape: a checkpoint that lacks them
    is an error that names it, not a model with random features. Other keys
    that do not match (a BYOL checkpoint's target network in a SimCLR
    config's model, say) are logged and skipped, as ``load_from`` does.

    Args:
        config: a config file or a :class:`~mmengine.config.Config`.
        checkpoint: weights to load; ``None`` keeps the initial weights.
        device: where the model goes.
        cfg_options: keys of the config to override first, as
            ``--cfg-options`` does: ``{'model.feature_orders': (0, 1)}``.

    Returns:
        the model in eval mode, with the config it was built from as ``cfg``.
    """
    if isinstance(config, (str, Path)):
        config = load_config(str(config))
    elif not isinstance(config, Config):
        raise TypeError(f'init_model: config must be a file name or a Config, '
                        f'not {type(config).__name__}.')
    else:
        config = copy.deepcopy(config)  # the caller's stays as it is
    if cfg_options:
        config.merge_from_dict(cfg_options)
    init_default_scope(config.get('default_scope', 'mmaction'))
    backbone = config.model.get('backbone')
    if checkpoint is not None and backbone and backbone.get('pretrained'):
        backbone.pretrained = None  # the checkpoint holds the backbone
    model = MODELS.build(config.model)
    if checkpoint is not None:
        load_model_weights(model, str(checkpoint))
    model.cfg = config
    model.to(device)
    model.eval()
    return model


def load_model_weights(model: torch.nn.Module, checkpoint: str) -> None:
    """Load ``checkpoint``'s state dict into ``model``; every ``backbone.*``
    weight of the model (every weight if it has no backbone) must be there
    (:func:`~mmvididi.utils.checkpoint_fit.check_checkpoint_fits`). Warns
    (``UserWarning``) when the checkpoint's run prepared its clips otherwise
    than the model does (:mod:`mmvididi.utils.preprocessing_match`)."""
    loaded = _load_checkpoint(checkpoint, map_location='cpu')
    state = checkpoint_state(loaded, checkpoint)
    check_checkpoint_fits(model, state, checkpoint)
    load_state_dict(model, state, strict=False, logger='current')
    fixes = preprocessing_mismatch(trained_preprocessor_cfg(loaded), model)
    if fixes:
        warnings.warn(mismatch_message(checkpoint, fixes), stacklevel=3)


def test_pipeline_config(cfg: Config) -> list:
    """The pipeline of the config's test dataloader (else its val
    dataloader), inside any dataset wrappers."""
    for key in ('test_dataloader', 'val_dataloader'):
        dataset = (cfg.get(key) or {}).get('dataset')
        while isinstance(dataset, dict) and 'pipeline' not in dataset \
                and 'dataset' in dataset:
            dataset = dataset['dataset']
        if isinstance(dataset, dict) and dataset.get('pipeline'):
            return dataset['pipeline']
    raise ValueError(
        'the model\'s config has no test_dataloader (or val_dataloader) '
        'whose pipeline could read the videos; use a config with one, e.g. '
        'configs/retrieval/vididi_r3d_ucf101_split1.py, with this checkpoint.')


class _Videos(torch.utils.data.Dataset):
    """Each video through the test pipeline, as ``VideoDataset`` feeds it."""

    def __init__(self, videos: Sequence[str], pipeline: list) -> None:
        self.videos = list(videos)
        self.pipeline = Compose(pipeline)

    def __len__(self) -> int:
        return len(self.videos)

    def __getitem__(self, index: int) -> dict:
        path = self.videos[index]
        try:
            return self.pipeline(dict(filename=path, label=-1, start_index=0,
                                      modality='RGB'))
        except Exception as error:
            raise VideoLoadError(
                f'cannot load video {path}: {type(error).__name__}: {error}'
            ) from error


@torch.no_grad()
def extract_video_features(model: torch.nn.Module,
                           videos: Sequence[PathLike],
                           batch_size: int = 4,
                           num_workers: int = 0,
                           pipeline: Optional[list] = None) -> torch.Tensor:
    """The ``(N, D)`` features of ``videos``, in their order, on the CPU.

    Args:
        model: from :func:`init_model` (it carries its config as ``cfg``).
        videos: paths of video files.
        batch_size: videos a forward pass.
        num_workers: dataloader worker processes decoding the videos.
        pipeline: transforms to read a video with; defaults to the pipeline
            of the config's test dataloader.

    Raises:
        FileNotFoundError: naming the videos that do not exist, before any
            is decoded.
        VideoLoadError: naming the video that could not be decoded.
    """
    videos = [str(video) for video in videos]
    if not videos:
        raise ValueError('extract_video_features: no videos given.')
    absent = [video for video in videos if not Path(video).is_file()]
    if absent:
        raise FileNotFoundError(
            f'{len(absent)} of the {len(videos)} videos do not exist: '
            f'{", ".join(absent[:5])}{" ..." if len(absent) > 5 else ""}')
    if pipeline is None:
        if getattr(model, 'cfg', None) is None:
            raise ValueError('extract_video_features: the model has no cfg; '
                             'build it with init_model or give the pipeline.')
        pipeline = test_pipeline_config(model.cfg)
    init_default_scope(getattr(model, 'cfg', {}).get('default_scope',
                                                     'mmaction'))
    loader = torch.utils.data.DataLoader(
        _Videos(videos, pipeline), batch_size=batch_size,
        num_workers=num_workers, collate_fn=pseudo_collate, shuffle=False)
    model.eval()
    features: List[torch.Tensor] = []
    for batch in loader:
        for sample in model.test_step(batch):
            if FEATURE_FIELD not in sample:
                raise ValueError(
                    f'{type(model).__name__}.predict gives no feature; use a '
                    'ViDiDi config (configs/retrieval/...), whose model '
                    'stores one.')
            features.append(
                sample.get(FEATURE_FIELD).detach().float().cpu())
    return torch.stack(features)
