"""Pretrain on the synthetic motion videos, then measure motion retrieval.

Used by ``tools/demo.py`` (ViDiDi against its baseline twin) and
``tools/benchmark/synthetic_motion.py`` (frameworks x schedules x seeds).
The gallery is the train split, the queries the test split; a video's feature
is the model's ``predict`` feature: per order of ``model.feature_orders``,
pooled backbone features averaged over 4 clips and L2-normalised,
concatenated. Retrieval is reported per order and for the concatenation.
"""
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mmvididi.evaluation import retrieval_recall

TOPK = (1, 5, 10)


def benchmark_config(config: str, data_root: Path, work_dir: Path, *,
                     orders: Optional[Sequence[int]] = None, seed: int = 0,
                     max_epochs: Optional[int] = None,
                     cfg_options: Optional[dict] = None) -> Config:
    """A synthetic-motion config on ``data_root``, quiet, one seed.

    Args:
        config: e.g. ``configs/synthetic_motion/vididi_simclr_r3d_tiny.py``.
        data_root: where ``generate_motion_dataset`` wrote the videos.
        work_dir: the run's logs and checkpoint.
        orders: ``model.orders``; ``(0,)`` makes the baseline twin.
        seed: the run's seed.
        max_epochs: overrides the schedule's length (cosine end included).
        cfg_options: more overrides, ``{'model.pairs': [...], ...}``.
    """
    cfg = Config.fromfile(config)
    cfg.work_dir = str(work_dir)
    cfg.randomness = dict(seed=seed)
    cfg.log_level = 'WARNING'
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=-1,
                                        save_last=True)
    for loader in (cfg.train_dataloader, cfg.feature_dataloader):
        loader.dataset.data_prefix = dict(video=str(Path(data_root) / 'videos'))
    cfg.train_dataloader.dataset.ann_file = str(
        Path(data_root) / 'train_videos.txt')
    if orders is not None:
        cfg.model.orders = tuple(orders)
    if max_epochs is not None:
        cfg.train_cfg.max_epochs = max_epochs
        cfg.param_scheduler[-1].end = max_epochs
        # a run within the warm-up keeps only the schedulers that begin in it
        cfg.param_scheduler = [scheduler for scheduler in cfg.param_scheduler
                               if scheduler.begin < max_epochs]
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def pretrain(cfg: Config, hooks: Iterable[Hook] = ()) -> Runner:
    """Train ``cfg`` with mmengine's Runner; returns the trained runner."""
    runner = Runner.from_cfg(cfg)
    for hook in hooks:
        runner.register_hook(hook)
    runner.train()
    return runner


def loss_curve(runner: Runner) -> List[float]:
    """The training loss of every iteration."""
    return [float(x) for x in
            runner.message_hub.get_scalar('train/loss').data[0]]


@torch.no_grad()
def extract_features(model, cfg: Config,
                     ann_file: Path) -> Tuple[torch.Tensor, torch.Tensor]:
    """``(N, D)`` predict features and ``(N,)`` labels of a split."""
    loader_cfg = cfg.feature_dataloader.copy()
    loader_cfg.dataset = dict(loader_cfg.dataset, ann_file=str(ann_file))
    model.eval()
    features, labels = [], []
    for batch in Runner.build_dataloader(loader_cfg):
        for sample in model.test_step(batch):
            features.append(sample.feature.cpu())  # labels are on the CPU
            labels.append(sample.gt_label.item())
    return torch.stack(features), torch.tensor(labels)


def motion_retrieval(model, cfg: Config, data_root: Path,
                     topk: Sequence[int] = TOPK) -> Dict[str, Dict[str, float]]:
    """R@k of the test split against the train split, per feature order.

    Returns:
        ``{'order 0': {'R@1': ..}, 'order 1': {..}, 'orders 0+1': {..}}``
        for ``model.feature_orders = (0, 1)``.
    """
    root = Path(data_root)
    gallery, gallery_labels = extract_features(model, cfg,
                                               root / 'train_videos.txt')
    query, query_labels = extract_features(model, cfg, root / 'test_videos.txt')
    orders = model.feature_orders
    width = gallery.shape[1] // len(orders)
    results = {}
    for i, order in enumerate(orders):
        part = slice(i * width, (i + 1) * width)
        results[f'order {order}'] = retrieval_recall(
            query[:, part], query_labels, gallery[:, part], gallery_labels, topk)
    if len(orders) > 1:
        name = 'orders ' + '+'.join(map(str, orders))
        results[name] = retrieval_recall(query, query_labels, gallery,
                                         gallery_labels, topk)
    return results
