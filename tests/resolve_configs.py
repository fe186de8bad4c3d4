"""Every config resolves with only ``import mmvididi``: run in a fresh interpreter.

    python tests/resolve_configs.py VIDEO_DIR WORK_DIR REPORT_JSON

``tests/test_registration.py`` runs this file as a script, so that nothing of
the test suite is imported (a component registered only because some test
imported its module first is what this catches). It imports ``mmvididi`` and
nothing else of the project, then

1. lists the classes that ``mmvididi``'s source registers (``@X.register_module``
   decorators and ``X.register_module(module=...)`` calls) that the registries
   do not hold;
2. for every config file under ``configs/`` (``_base_`` fragments included),
   resolves every ``type`` it names in the registry its place in the config
   calls for;
3. for every config outside ``_base_``, builds it with mmengine's ``Runner``
   (model, hooks, visualizer), its train / val / test loops (dataloaders,
   datasets, samplers, evaluators), optimizer wrapper and parameter schedulers,
   and one sample of every dataset, with the datasets pointed at tiny
   annotation files: ``VIDEO_DIR/train.txt`` (``<video> <label>`` lines; the
   retrieval queries are every second line of it) and AVA-format CSVs,
   rawframes and proposals written here.

It writes a JSON report: ``unregistered`` (list), ``modules`` (the ``mmvididi``
modules imported before any config was read), and ``configs``: for each config
its relative path -> ``types`` (how many were resolved), ``errors`` (one string
each) and, when built, ``model`` / ``orders`` / ``hooks`` / ``loops`` ...
"""
import ast
import json
import pickle
import sys
import time
import traceback
from pathlib import Path

import mmvididi  # noqa: F401  (the only project import: registration)

ROOT = Path(__file__).resolve().parents[1]
MODULES_AFTER_IMPORT = sorted(m for m in sys.modules if m.split('.')[0] == 'mmvididi')
SUITE_MODULES = sorted(m for m in sys.modules
                       if m.split('.')[0] in ('tests', 'conftest'))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from mmaction import registry  # noqa: E402
from mmengine import Config, ConfigDict  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

# Logging only: the Runner formats each config with yapf three times and
# collects the environment (compilers, CUDA) for its log, a second a config
# that checks nothing here.
Config.pretty_text = property(lambda self: repr(self._cfg_dict))
runner_module = sys.modules[Runner.__module__]
runner_module.collect_env = dict

# Where a ``type`` sits decides its registry. Top-level keys first ...
TOP_LEVEL = {
    'model': 'MODELS',
    'train_cfg': 'LOOPS',
    'val_cfg': 'LOOPS',
    'test_cfg': 'LOOPS',
    'default_hooks': 'HOOKS',
    'custom_hooks': 'HOOKS',
    'optim_wrapper': 'OPTIM_WRAPPERS',
    'param_scheduler': 'PARAM_SCHEDULERS',
    'visualizer': 'VISUALIZERS',
    'vis_backends': 'VISBACKENDS',
    'log_processor': 'LOG_PROCESSORS',
    'model_wrapper_cfg': 'MODEL_WRAPPERS',
}
# ... then keys inside them (the innermost rule wins) ...
NESTED = {
    'optimizer': 'OPTIMIZERS',
    'init_cfg': 'WEIGHT_INITIALIZERS',
    'dataset': 'DATASETS',
    'datasets': 'DATASETS',
    'sampler': 'DATA_SAMPLERS',
    'batch_sampler': 'DATA_SAMPLERS',
    'collate_fn': 'FUNCTIONS',
    'transforms': 'TRANSFORMS',
    'vis_backends': 'VISBACKENDS',
}
# ... and name endings, at any level.
SUFFIXES = {'pipeline': 'TRANSFORMS', '_evaluator': 'METRICS',
            '_dataloader': None}  # a dataloader itself has no type


def registry_named(name: str):
    """mmaction's registry of that name (it falls back to mmengine's)."""
    return getattr(registry, name)


def rule_for(key: str, current):
    """The registry name for values under ``key``; ``current`` if no rule."""
    for suffix, name in SUFFIXES.items():
        if key.endswith(suffix):
            return name if name is not None else current
    if key in NESTED and not (current == 'MODELS' and key == 'sampler'):
        return NESTED[key]
    if current == 'MODELS' and key in ('assigner', 'sampler'):
        return 'TASK_UTILS'
    return current


def named_types(value, where: str, current):
    """Yield (place, registry name or None, type) for every ``type`` string."""
    if isinstance(value, dict):
        kind = value.get('type')
        if isinstance(kind, str):
            yield where, current, kind
        for key, item in value.items():
            if key != 'type':
                yield from named_types(item, f'{where}.{key}',
                                       rule_for(str(key), current))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from named_types(item, f'{where}[{i}]', current)


def resolve_types(cfg: Config) -> tuple:
    """(number of types resolved, errors)."""
    resolved, errors = 0, []
    for key, value in cfg.items():
        current = TOP_LEVEL.get(key) or rule_for(key, None)
        for place, name, kind in named_types(value, key, current):
            if name is None:
                errors.append(f'{place}: type {kind!r} sits where no registry '
                              'rule of tests/resolve_configs.py applies; add one')
            elif registry_named(name).get(kind) is None:
                errors.append(f'{place}: {kind!r} is not in the mmaction::'
                              f'{name.lower()} registry')
            else:
                resolved += 1
    return resolved, errors


def unregistered_classes() -> list:
    """Names that mmvididi's source registers but the registries lack."""
    missing = []
    for path in sorted((ROOT / 'mmvididi').rglob('*.py')):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.ClassDef):
                for decorator in node.decorator_list:
                    if isinstance(decorator, ast.Call):
                        targets.append((decorator, node.name))
            elif isinstance(node, ast.Call):
                module = [k.value for k in node.keywords if k.arg == 'module']
                if module and isinstance(module[0], ast.Name):
                    targets.append((node, module[0].id))
            for call, default_name in targets:
                func = call.func
                if not (isinstance(func, ast.Attribute)
                        and func.attr == 'register_module'
                        and isinstance(func.value, ast.Name)):
                    continue
                names = [k.value for k in call.keywords if k.arg == 'name']
                name = names[0].value if names and isinstance(
                    names[0], ast.Constant) else default_name
                registry_name = func.value.id
                found = (hasattr(registry, registry_name)
                         and registry_named(registry_name).get(name) is not None)
                if not found:
                    missing.append(f'{registry_name}.{name} '
                                   f'({path.relative_to(ROOT)})')
    return missing


LABEL_MAP = ('item {\n  name: "walk right"\n  id: 1\n}\n'
             'item {\n  name: "walk left"\n  id: 2\n}\n')


def ava_files(work_dir: Path, fps: int, timestamp_start: int) -> dict:
    """Tiny AVA-format data for a dataset of that fps and first timestamp: two
    rawframe videos of 3 seconds and 64 frames more (a clip around a keyframe
    reaches past it), keyframes at seconds 1 and 2, a label map, a proposal
    file and an (empty) exclude file."""
    root = work_dir / f'ava_fps{fps}_start{timestamp_start}'
    files = dict(ann_file=root / 'ann.csv', label_file=root / 'labels.pbtxt',
                 proposal_file=root / 'proposals.pkl',
                 exclude_file=root / 'exclude.csv', img=root / 'rawframes')
    if root.exists():
        return files
    rows, proposals = [], {}
    frame = np.zeros((32, 32, 3), np.uint8)
    for video, action in (('vidA', 1), ('vidB', 2)):
        (root / 'rawframes' / video).mkdir(parents=True)
        for i in range(3 * fps + 64):
            cv2.imwrite(str(root / 'rawframes' / video / f'img_{i + 1:05d}.jpg'),
                        frame)
        for second in (1, 2):
            timestamp = timestamp_start + second
            rows.append(f'{video},{timestamp:04d},0.1,0.1,0.6,0.9,{action},0')
            proposals[f'{video},{timestamp:04d}'] = np.array(
                [[0.1, 0.1, 0.6, 0.9, 1.0]], np.float32)
    (root / 'ann.csv').write_text('\n'.join(rows) + '\n')
    (root / 'labels.pbtxt').write_text(LABEL_MAP)
    (root / 'exclude.csv').write_text('')
    with open(root / 'proposals.pkl', 'wb') as f:
        pickle.dump(proposals, f)
    return files


def point_at_tiny_files(dataset: ConfigDict, video_dir: Path,
                        work_dir: Path) -> None:
    """The dataset (and those it wraps) reads the tiny annotation files."""
    for key in ('dataset', 'datasets'):
        for inner in (dataset[key] if key == 'datasets' else [dataset[key]]) \
                if key in dataset else []:
            point_at_tiny_files(inner, video_dir, work_dir)
    if 'query_ann_file' in dataset:  # retrieval: queries among the gallery
        query = work_dir / 'query.txt'
        query.write_text(''.join(
            line + '\n' for line in
            (video_dir / 'train.txt').read_text().splitlines()[::2]))
        dataset.update(query_ann_file=str(query),
                       gallery_ann_file=str(video_dir / 'train.txt'),
                       data_prefix=dict(video=str(video_dir)))
    elif str(dataset.get('ann_file', '')).endswith('.csv'):  # AVA format
        ava = ava_files(work_dir, dataset.get('fps', 30),
                        dataset.get('timestamp_start', 900))
        dataset.update(ann_file=str(ava['ann_file']),
                       label_file=str(ava['label_file']),
                       data_prefix=dict(img=str(ava['img'])))
        for key in ('proposal_file', 'exclude_file'):
            if dataset.get(key) is not None:
                dataset[key] = str(ava[key])
    elif 'ann_file' in dataset:
        dataset.update(ann_file=str(video_dir / 'train.txt'),
                       data_prefix=dict(video=str(video_dir)))
    if dataset.get('type') == 'MotionProbeDataset':  # 4x clips fit 40 frames
        dataset.clip_len = 4


def point_evaluator_at_tiny_files(cfg: Config, key: str, work_dir: Path) -> None:
    metrics = cfg[key] if isinstance(cfg[key], list) else [cfg[key]]
    loader = cfg.get(key.replace('_evaluator', '_dataloader')) or {}
    dataset = loader.get('dataset', {})
    for metric in metrics:
        if str(metric.get('ann_file', '')).endswith('.csv'):
            ava = ava_files(work_dir, dataset.get('fps', 30),
                            dataset.get('timestamp_start', 900))
            metric.update(ann_file=str(ava['ann_file']),
                          label_file=str(ava['label_file']))
            if metric.get('exclude_file') is not None:
                metric.exclude_file = str(ava['exclude_file'])


SAMPLED = {}  # dataloader config -> keys of its first sample


def loop_report(loop, loader_cfg: ConfigDict) -> dict:
    """The loop, its dataset and (once per distinct dataloader config) the
    keys of the first sample, at the first index its sampler gives."""
    dataset = loop.dataloader.dataset
    key = json.dumps(loader_cfg.to_dict(), sort_keys=True, default=str)
    if key not in SAMPLED:
        SAMPLED[key] = sorted(dataset[next(iter(loop.dataloader.sampler))])
    report = dict(type=type(loop).__name__, dataset=type(dataset).__name__,
                  length=len(dataset), sample=SAMPLED[key])
    evaluator = getattr(loop, 'evaluator', None)
    if evaluator is not None:
        report['metrics'] = [type(m).__name__ for m in evaluator.metrics]
    return report


def build(path: Path, video_dir: Path, work_dir: Path) -> dict:
    """Build everything the config names, on the tiny files."""
    cfg = Config.fromfile(path)
    cfg.work_dir = str(work_dir / path.stem)
    cfg.launcher = 'none'
    cfg.log_level = 'WARNING'
    for key in list(cfg.keys()):
        if key.endswith('_dataloader') and cfg[key] is not None:
            cfg[key].update(batch_size=2, num_workers=0, persistent_workers=False)
            point_at_tiny_files(cfg[key].dataset, video_dir, work_dir)
    for key in list(cfg.keys()):
        if key.endswith('_evaluator') and cfg[key] is not None:
            point_evaluator_at_tiny_files(cfg, key, work_dir)

    init_default_scope(cfg.get('default_scope', 'mmaction'))
    runner = Runner.from_cfg(cfg)
    model = runner.model
    report = dict(model=type(model).__name__, scope=cfg.get('default_scope'),
                  imports=cfg.get('custom_imports', {}).get('imports', []),
                  hooks=[type(hook).__name__ for hook in runner.hooks],
                  extra_dataloaders=sorted(
                      k for k in cfg if k.endswith('_dataloader')
                      and k not in ('train_dataloader', 'val_dataloader',
                                    'test_dataloader')),
                  loops={})
    for attr in ('orders', 'feature_orders', 'pairs'):
        if hasattr(model, attr):
            report[attr] = [list(x) if isinstance(x, tuple) else x
                            for x in getattr(model, attr)]
    if cfg.get('train_cfg'):
        report['loops']['train'] = loop_report(runner.train_loop,
                                               cfg.train_dataloader)
        runner.optim_wrapper = runner.build_optim_wrapper(cfg.optim_wrapper)
        runner.param_schedulers = runner.build_param_scheduler(
            cfg.get('param_scheduler') or [])
        report['optim_wrapper'] = type(runner.optim_wrapper).__name__
        report['param_schedulers'] = [
            type(s).__name__ for s in runner.param_schedulers]
    if cfg.get('val_cfg'):
        report['loops']['val'] = loop_report(runner.val_loop, cfg.val_dataloader)
    if cfg.get('test_cfg'):
        report['loops']['test'] = loop_report(runner.test_loop,
                                              cfg.test_dataloader)
    return report


def main() -> None:
    video_dir, work_dir, out = map(Path, sys.argv[1:4])
    report = dict(modules=MODULES_AFTER_IMPORT, suite_modules=SUITE_MODULES,
                  unregistered=unregistered_classes(), configs={})
    for path in sorted((ROOT / 'configs').rglob('*.py')):
        name = str(path.relative_to(ROOT))
        entry = report['configs'][name] = dict(errors=[])
        start = time.perf_counter()
        try:
            entry['types'], entry['errors'] = resolve_types(Config.fromfile(path))
            if '_base_' not in path.parts:
                entry.update(build(path, video_dir, work_dir))
        except Exception:  # reported per config; the others still run
            entry['errors'].append(traceback.format_exc(limit=-6))
        entry['seconds'] = round(time.perf_counter() - start, 2)
    out.write_text(json.dumps(report, indent=1))


if __name__ == '__main__':
    main()
