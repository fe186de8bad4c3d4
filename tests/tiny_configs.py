"""The project's real configs, shrunk to run in seconds on a CPU."""
from pathlib import Path

import torch
from mmaction.registry import MODELS
from mmengine import Config
from mmengine.registry import init_default_scope

from mmvididi.utils.config_checks import innermost_dataset_cfg

ROOT = Path(__file__).parents[1]
FRAMEWORKS = ('simclr', 'byol', 'vicreg')


def tiny_config(config: str, video_dir: Path, work_dir: Path,
                batch_size: int = 2, clip_len: int = 4, size: int = 32,
                epochs: int = 2) -> Config:
    """``configs/<config>`` with a thin R3D-18 (8 base channels), 32 x 32 clips
    of 4 frames per order and a 2-epoch schedule, on ``video_dir/train.txt``."""
    cfg = Config.fromfile(ROOT / 'configs' / config)
    cfg.work_dir = str(work_dir)
    cfg.randomness = dict(seed=0)

    loader = cfg.train_dataloader
    loader.update(batch_size=batch_size, num_workers=0, persistent_workers=False)
    dataset = innermost_dataset_cfg(loader.dataset)  # in ReproducibleDataset
    dataset.update(ann_file=str(video_dir / 'train.txt'),
                   data_prefix=dict(video=str(video_dir)))
    views = next(t for t in dataset.pipeline if t.type == 'MultiView')
    for transform in views.transforms[0]:
        if transform.type == 'SampleFrames':
            transform.clip_len = clip_len + max(cfg.data_orders)
        if transform.type == 'Resize':
            transform.scale = (size, size)

    model = cfg.model
    model.backbone.base_channels = 8  # R3D-18 ends with 8 * 8 = 64 channels
    model.neck.update(in_channels=64, hidden_channels=64,
                      out_channels=min(model.neck.out_channels, 32))
    if model.framework.type == 'BYOL':
        model.framework.predictor.update(in_channels=32, hidden_channels=64,
                                         out_channels=32)

    cfg.train_cfg.max_epochs = epochs
    cfg.param_scheduler[0].end = 1
    cfg.param_scheduler[1].update(begin=1, end=epochs)
    if epochs == 1:  # warm-up only
        cfg.param_scheduler = cfg.param_scheduler[:1]
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint.update(interval=1, max_keep_ckpts=-1)
    return cfg


def build_model(framework: str, video_dir: Path, work_dir: Path,
                **model_options) -> torch.nn.Module:
    """The tiny ``vididi_<framework>_r3d_ucf101.py`` model, seeded; each
    ``model_options`` item replaces that key of ``cfg.model``."""
    cfg = tiny_config(f'vididi_{framework}_r3d_ucf101.py', video_dir, work_dir)
    for key, value in model_options.items():  # replace, do not merge
        cfg.model[key] = value
    init_default_scope('mmaction')
    torch.manual_seed(0)
    return MODELS.build(cfg.model)


def tiny_retrieval_config(video_dir: Path, work_dir: Path, checkpoint: Path,
                          query: Path, gallery: Path) -> Config:
    """configs/retrieval/vididi_r3d_ucf101_split1.py on the test videos:
    thin R3D-18, 2 clips of 4 frames a video, 32 x 32."""
    cfg = Config.fromfile(ROOT / 'configs/retrieval/vididi_r3d_ucf101_split1.py')
    cfg.work_dir = str(work_dir)
    cfg.load_from = str(checkpoint)
    cfg.model.backbone.base_channels = 8
    cfg.model.neck.in_channels = 64
    loader = cfg.test_dataloader
    loader.update(batch_size=2, num_workers=0, persistent_workers=False)
    loader.dataset.update(query_ann_file=str(query), gallery_ann_file=str(gallery),
                          data_prefix=dict(video=str(video_dir)))
    for transform in loader.dataset.pipeline:
        if transform.type == 'SampleFrames':
            transform.update(clip_len=4, num_clips=2)
        if transform.type == 'Resize':
            transform.scale = (-1, 32)
        if transform.type == 'CenterCrop':
            transform.crop_size = 32
    return cfg


def tiny_recognition_config(name: str, video_dir: Path, work_dir: Path,
                            pretrained: Path) -> Config:
    """configs/recognition/<name> on the test videos (2 classes): thin R3D-18,
    4 frames of 32 x 32, 2 clips x 3 crops at test, one epoch."""
    cfg = Config.fromfile(ROOT / 'configs' / 'recognition' / name)
    cfg.work_dir = str(work_dir)
    cfg.model.backbone.pretrained = str(pretrained)
    cfg.model.backbone.base_channels = 8
    cfg.model.cls_head.update(in_channels=64, num_classes=2)
    for split in ('train', 'val', 'test'):
        loader = cfg[f'{split}_dataloader']
        loader.update(batch_size=2, num_workers=0, persistent_workers=False)
        dataset = innermost_dataset_cfg(loader.dataset)
        dataset.update(ann_file=str(video_dir / 'train.txt'),
                       data_prefix=dict(video=str(video_dir)))
        for transform in dataset.pipeline:
            if transform.type == 'SampleFrames':
                transform.update(clip_len=4, num_clips=min(transform.num_clips, 2))
            if transform.type == 'Resize':
                transform.scale = (-1, 40) if transform.scale[0] == -1 else (32, 32)
            if transform.type == 'CenterCrop':
                transform.crop_size = 32
            if transform.type == 'ThreeCrop':  # the short side, then resized
                transform.crop_size = 40
    cfg.train_cfg.update(max_epochs=1, val_interval=1)
    cfg.param_scheduler = []
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=1)
    cfg.default_hooks.logger.interval = 1
    return cfg
