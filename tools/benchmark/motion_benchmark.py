"""Train and test a synthetic-motion config with mmengine's Runner.

The helpers of ``tools/benchmark/synthetic_motion.py`` and ``tools/demo.py``:
the dataset, written once per spec (:func:`ensure_dataset`); a config with a
run's overrides (:func:`benchmark_config`); one run through the Runner,
``runner.train()`` then ``runner.test()`` (:func:`train_and_test`); and the
``tools/test.py`` command that gives the same numbers from the run's
checkpoint (:func:`test_command`). The test is the config's ``test_dataloader``
(test videos as queries among the train videos) and ``test_evaluator``
(``VideoRetrievalMetric`` with one feature group per order); nothing here
computes a feature or a recall itself.
"""
import json
import shlex
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

import mmvididi  # noqa: F401  (compat fixes and registration)
from mmvididi.data_preparation.synthetic_motion import generate_motion_dataset

# the dataset the published numbers were measured on (MotionDatasetSpec.preset)
DEFAULT_PRESET = 'legacy'
# the hook that steps ViDiDi's order-pair schedule, under its names
SCHEDULE_HOOK_TYPES = ('ViDiDiHook', 'OrderPairScheduleHook')
RETRIEVAL_PREFIX = 'retrieval'  # VideoRetrievalMetric.default_prefix
PROBE_PREFIX = 'motion_probe'  # MotionProbeMetric.default_prefix
# the motion probes of the tiny models, on a synthetic dataset's test videos
PROBE_CONFIG = 'configs/probes/motion_probe_synthetic_motion_tiny.py'


def ensure_dataset(root: Path, spec, seed: int,
                   progress: Optional[Callable[[int, int], None]] = None,
                   workers: int = 1) -> bool:
    """Write the synthetic motion dataset of ``spec`` (a
    ``MotionDatasetSpec``) and ``seed`` under ``root`` unless it is there;
    ``root/spec.json``, a stamp of both, marks it done. ``workers``: processes
    that render and encode (the files are the same for any number). Returns
    whether it wrote the videos."""
    root = Path(root)
    stamp = json.dumps(dict(spec=repr(spec), seed=seed))
    if (root / 'spec.json').exists() and \
            (root / 'spec.json').read_text() == stamp:
        return False
    (root / 'spec.json').unlink(missing_ok=True)
    generate_motion_dataset(root, spec, seed, progress, workers=workers)
    (root / 'spec.json').write_text(stamp)
    return True


def benchmark_config(config: str, data_root: Path, work_dir: Path, *,
                     seed: int = 0, orders: Optional[Sequence[int]] = None,
                     max_epochs: Optional[int] = None,
                     schedule: Optional[str] = None,
                     batch_size: Optional[int] = None,
                     cfg_options: Optional[dict] = None) -> Config:
    """A synthetic-motion config for one quiet run on ``data_root``.

    Args:
        config: e.g. ``configs/synthetic_motion/vididi_simclr_r3d_tiny.py``.
        data_root: where the dataset is (``train_videos.txt``,
            ``test_videos.txt``, ``videos/``); both dataloaders read it.
        work_dir: the run's logs and its one checkpoint (the last epoch's).
        seed: the run's seed.
        orders: ``model.orders``; ``(0,)`` is the baseline twin.
        max_epochs: the schedule's length (the cosine's end moves with it;
            a run within the warm-up keeps only the warm-up).
        schedule: the order-pair schedule's mode (``'alternate'``,
            ``'epoch'``, ``'random'``, ``'joint'``), see
            :func:`set_schedule_mode`.
        batch_size: the pretraining batch. A batch larger than the train
            videos (a shrunk dataset) becomes their number, with a note: the
            loader drops incomplete batches and would train nothing.
        cfg_options: more overrides, as ``--cfg-options`` gives them:
            ``{'model.pairs': [...], 'train_dataloader.num_workers': 0}``.
    """
    cfg = Config.fromfile(config)
    cfg.work_dir = str(work_dir)
    cfg.randomness = dict(seed=seed)
    cfg.log_level = 'WARNING'
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=-1,
                                        save_last=True)
    for loader in (cfg.train_dataloader, cfg.test_dataloader):
        video_dataset(loader).data_root = str(data_root)
    if orders is not None:
        cfg.model.orders = tuple(orders)
    if max_epochs is not None:
        cfg.train_cfg.max_epochs = max_epochs
        cfg.param_scheduler[-1].end = max_epochs
        cfg.param_scheduler = [scheduler for scheduler in cfg.param_scheduler
                               if scheduler.begin < max_epochs]
    if schedule is not None:
        set_schedule_mode(cfg, schedule)
    if batch_size is not None:
        cfg.train_dataloader.batch_size = batch_size
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    _cap_batch_size(cfg, Path(data_root))
    return cfg


def _cap_batch_size(cfg: Config, data_root: Path) -> None:
    train_list = data_root / video_dataset(cfg.train_dataloader).ann_file
    if not train_list.exists():
        return
    videos = sum(1 for line in train_list.read_text().splitlines()
                 if line.strip())
    batch = cfg.train_dataloader.batch_size
    if 0 < videos < batch:
        print(f'batch {batch} > the {videos} train videos of {train_list}: '
              f'batch {videos}', flush=True)
        cfg.train_dataloader.batch_size = videos


def video_dataset(loader: dict) -> dict:
    """The config of the dataset that reads the videos in a dataloader
    config: inside its wrappers (``ReproducibleDataset``, ``RepeatDataset``,
    ...: each has the dataset it wraps as ``dataset``)."""
    dataset = loader['dataset']
    while 'dataset' in dataset:
        dataset = dataset['dataset']
    return dataset


def set_schedule_mode(cfg: Config, mode: str) -> None:
    """Set the mode of the hook that steps the order-pair schedule, found by
    its type (one of :data:`SCHEDULE_HOOK_TYPES`) among ``cfg.default_hooks``
    and ``cfg.custom_hooks``, not by its name or its place in a list.

    Raises:
        ValueError: if ``cfg`` has no such hook, or several.
    """
    hooks = [hook for hook in _hook_configs(cfg)
             if _type_name(hook.get('type')) in SCHEDULE_HOOK_TYPES]
    if len(hooks) != 1:
        found = [_type_name(hook.get('type')) for hook in _hook_configs(cfg)]
        raise ValueError(
            f'schedule={mode!r}: the config needs one '
            f'{" or ".join(SCHEDULE_HOOK_TYPES)} in default_hooks or '
            f'custom_hooks to set the mode of; its hooks are {found}.')
    hooks[0].mode = mode


def _hook_configs(cfg: Config) -> list:
    """Every hook config of ``cfg``: default_hooks', then custom_hooks'."""
    return [hook for hook in
            list((cfg.get('default_hooks') or {}).values()) +
            list(cfg.get('custom_hooks') or []) if hook is not None]


def _type_name(hook_type) -> str:
    return hook_type if isinstance(hook_type, str) else \
        getattr(hook_type, '__name__', str(hook_type))


def train_and_test(cfg: Config,
                   hooks: Iterable[Hook] = ()) -> Tuple[Runner, Dict[str, float]]:
    """``runner.train()``, then ``runner.test()`` of the trained weights
    (which are also the last checkpoint's); returns the runner and the test
    metrics, e.g. ``{'retrieval/order0/R@1': ..., ...}``."""
    runner = Runner.from_cfg(cfg)
    for hook in hooks:
        runner.register_hook(hook)
    runner.train()
    return runner, runner.test()


def loss_curve(runner: Runner) -> List[float]:
    """The training loss of every iteration."""
    return [float(x) for x in
            runner.message_hub.get_scalar('train/loss').data[0]]


def last_checkpoint(work_dir: Path) -> Path:
    """The checkpoint the run saved last (``CheckpointHook``'s record)."""
    return Path((Path(work_dir) / 'last_checkpoint').read_text().strip())


def retrieval_groups(metrics: Dict[str, float],
                     prefix: str = RETRIEVAL_PREFIX) -> Dict[str, Dict[str, float]]:
    """``VideoRetrievalMetric``'s keys by feature group:
    ``{'retrieval/order0/R@1': x, ...}`` to ``{'order0': {'R@1': x, ...}}``
    (a single-order metric's ``retrieval/R@1`` to ``{'all': {...}}``)."""
    groups: Dict[str, Dict[str, float]] = {}
    for key, value in metrics.items():
        parts = key.split('/')
        if parts[0] != prefix:
            continue
        group = parts[1] if len(parts) == 3 else 'all'
        groups.setdefault(group, {})[parts[-1]] = value
    return groups


def test_command(config: str, checkpoint: Path, data_root: Path,
                 cfg_options: Optional[dict] = None) -> str:
    """The ``tools/test.py`` command that tests ``checkpoint`` as the run did:
    the config, the data root and the run's ``test_*`` overrides (training
    overrides, such as ``model.orders`` or the schedule, do not change the
    test)."""
    options = {'test_dataloader.dataset.data_root': str(data_root)}
    options.update({key: value for key, value in (cfg_options or {}).items()
                    if key.startswith('test_')})
    return ' '.join(['python tools/test.py', shlex.quote(str(config)),
                     shlex.quote(str(checkpoint)), '--cfg-options'] +
                    [shlex.quote(f'{key}={value}')
                     for key, value in options.items()])


def probe_config(checkpoint: Optional[Path], data_root: Path, work_dir: Path,
                 config: str = PROBE_CONFIG,
                 cfg_options: Optional[dict] = None) -> Config:
    """The motion-probe config (``MotionProbeDataset`` on ``data_root``'s
    test videos, ``MotionProbeMetric``) for ``checkpoint``'s frozen encoder;
    ``checkpoint=None`` probes a randomly initialised one (seeded 0)."""
    cfg = Config.fromfile(config)
    cfg.work_dir = str(work_dir)
    cfg.log_level = 'WARNING'
    cfg.randomness = dict(seed=0)
    cfg.load_from = None if checkpoint is None else str(checkpoint)
    video_dataset(cfg.test_dataloader).data_root = str(data_root)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def metrics_under(metrics: Dict[str, float], prefix: str) -> Dict[str, float]:
    """The metrics whose keys start with ``prefix/``, without it."""
    return {key[len(prefix) + 1:]: value for key, value in metrics.items()
            if key.startswith(prefix + '/')}


def run_probe(cfg: Config) -> Dict[str, float]:
    """``runner.test()`` of a :func:`probe_config`: the metric's keys
    without their prefix (``speed``, ``direction``, ``joint``,
    ``motion_energy/speed``, ...)."""
    return metrics_under(Runner.from_cfg(cfg).test(), PROBE_PREFIX)


def probe_command(checkpoint: Path, data_root: Path,
                  config: str = PROBE_CONFIG) -> str:
    """The ``tools/test.py`` command that gives a probe's numbers again."""
    return ' '.join(['python tools/test.py', shlex.quote(config),
                     shlex.quote(str(checkpoint)), '--cfg-options',
                     shlex.quote('test_dataloader.dataset.data_root='
                                 f'{data_root}')])


#: chance R@1 of the synthetic motion benchmark (8 classes)
CHANCE_R1 = 100 / 8


def recall_panels(ylabel: str):
    """An empty R@1 figure: frames (order 0) on the left, first derivative
    (order 1) on the right, a shared 0-100 axis, chance dotted. Returns the
    figure and its two axes; :func:`save_recall_panels` writes it."""
    from matplotlib.figure import Figure
    fig = Figure(figsize=(10, 4))  # no pyplot: no GUI backend, no state
    axes = fig.subplots(1, 2, sharey=True)
    for ax, name in zip(axes, ('frames (order 0)', 'first derivative (order 1)')):
        ax.axhline(CHANCE_R1, color='grey', linewidth=0.8, linestyle=':')
        ax.set(ylim=(0, 100), title=f'{name} features')
    axes[0].set_ylabel(ylabel)
    return fig, axes


def save_recall_panels(fig, axes, path: Path, title: str = '') -> None:
    """Legend, title and layout of a :func:`recall_panels` figure; writes
    ``path`` (PNG)."""
    axes[1].legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
