"""The embedded default end to end, shrunk: dataset, pretraining and retrieval
through the Runner, reports, and tools/test.py giving the same numbers from the
checkpoint; the benchmark's runs; the derivative visualiser."""
import importlib.util
import json
import os
import shlex
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MessageHub
from torch import nn

from mmvididi.data_preparation.synthetic_motion import (
    MotionDatasetSpec, generate_motion_dataset)
from mmvididi.engine.hooks.vididi_hook import ORDER_A_SCALAR, ORDER_B_SCALAR
from tests.tiny_configs import ROOT

GROUPS = ('order0', 'order1', 'orders0+1')


def load_tool(path: str):
    """A module of tools/ by its path, as the tools import it."""
    spec = importlib.util.spec_from_file_location(path.replace('/', '.'),
                                                  ROOT / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def motion_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('motion')
    generate_motion_dataset(root, MotionDatasetSpec(
        train_per_class=2, test_per_class=1, num_frames=20), seed=0)
    return root


def test_demo_shrunk_through_the_runner_and_tools_test(tmp_path):
    """The demo's flags shrink it; it prints the per-order table, writes its
    reports, and ``tools/test.py`` with the command in results.json gives the
    demo's numbers from the checkpoint."""
    work_dir = tmp_path / 'demo'
    options = ['train_dataloader.num_workers=0',
               'train_dataloader.persistent_workers=False',
               'test_dataloader.num_workers=0']
    demo = subprocess.run(
        [sys.executable, 'tools/demo.py', '--work-dir', str(work_dir),
         '--epochs', '1', '--train-per-class', '2', '--test-per-class', '1',
         '--batch-size', '8', '--cfg-options', *options],
        cwd=ROOT, capture_output=True, text=True)
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert '[baseline] epoch 1/1 |########################| iter 2/2' in \
        demo.stdout  # 16 train videos, batch 8

    results = json.loads((work_dir / 'results.json').read_text())
    assert list(results) == ['ViDiDi', 'baseline']
    assert results['ViDiDi']['orders'] == [0, 1, 2]
    assert results['baseline']['orders'] == [0]
    retrieval_part, probe_part = demo.stdout.split('Frame features (order 0)')
    table = [line for line in retrieval_part.splitlines()
             if line.startswith('|')]
    assert table[0] == '| model | features | R@1 | R@5 | R@10 |'
    for name, result in results.items():
        assert list(result['retrieval']) == list(GROUPS)
        for group, recall in result['retrieval'].items():
            assert 0 <= recall['R@1'] <= recall['R@5'] <= recall['R@10'] <= 100
            for value in recall.values():  # 8 queries: multiples of 12.5
                assert value / 12.5 == round(value / 12.5)
            assert f'| {name} | {group} | {recall["R@1"]:.1f} |' in \
                '\n'.join(table)
    assert len(table) == 2 + 2 * len(GROUPS)
    markdown = (work_dir / 'results.md').read_text()
    assert '| ViDiDi | order1 |' in markdown
    assert 'Motion probes' in markdown
    assert results['ViDiDi']['test_command'] in markdown
    for image in ('loss_curves.png', 'recall_at_k.png', 'motion_probes.png'):
        assert (work_dir / image).read_bytes()[:4] == b'\x89PNG'
    assert probe_part.startswith(', R@1: ViDiDi ')
    # the motion probes of both models and of a random encoder, on the 8 test
    # videos: 6 clips each (3 speeds x 2 directions) and a shuffled one
    probes = json.loads((work_dir / 'motion_probes.json').read_text())
    assert list(probes) == ['ViDiDi', 'baseline', 'random encoder']
    for name, probe in probes.items():
        assert probe['num_videos'] == 8 and probe['num_clips'] == 8 * 7
        assert probe['joint_chance'] == pytest.approx(100 / 6)
        for task in ('speed', 'direction', 'joint'):
            assert 0 <= probe[task] <= 100
            assert 0 <= probe[f'motion_energy/{task}'] <= 100
        if name != 'random encoder':
            assert results[name]['probes'] == probe
            assert results[name]['probe_command'].startswith(
                'python tools/test.py configs/probes/')
    assert '| random encoder, frames |' in probe_part
    assert '| motion energy (hand-made) |' in markdown

    # the published numbers again, from the checkpoint, with tools/test.py
    command = shlex.split(results['ViDiDi']['test_command'])
    assert command[:4] == ['python', 'tools/test.py',
                           'configs/synthetic_motion/vididi_simclr_r3d_tiny.py',
                           results['ViDiDi']['checkpoint']]
    test = subprocess.run(
        [sys.executable] + command[1:] + ['--work-dir', str(tmp_path / 'test')],
        cwd=ROOT, capture_output=True, text=True)
    assert test.returncode == 0, test.stderr[-3000:]
    logs = list((tmp_path / 'test').glob('*/*.json'))
    assert len(logs) == 1
    logged = json.loads(logs[0].read_text().splitlines()[-1])
    for group, recall in results['ViDiDi']['retrieval'].items():
        for k, value in recall.items():
            assert logged[f'retrieval/{group}/{k}'] == value


def schedule_hooks(cfg, types) -> list:
    """The order-pair schedule hook configs of ``cfg``, wherever they are."""
    hooks = list(cfg.get('default_hooks', {}).values()) + \
        list(cfg.get('custom_hooks', []))
    return [h for h in hooks if h is not None and h.get('type') in types]


def test_schedule_mode_is_set_on_the_hook_found_by_type():
    helpers = load_tool('tools/benchmark/motion_benchmark.py')
    config = ROOT / 'configs/synthetic_motion/vididi_simclr_r3d_tiny.py'
    cfg = Config.fromfile(config)
    schedule = schedule_hooks(cfg, helpers.SCHEDULE_HOOK_TYPES)
    assert len(schedule) == 1 and schedule[0].mode == 'alternate'
    helpers.set_schedule_mode(cfg, 'joint')
    assert schedule[0].mode == 'joint'

    # in custom_hooks, after another hook, under either name
    for name in helpers.SCHEDULE_HOOK_TYPES:
        cfg = Config(dict(default_hooks=dict(logger=dict(type='LoggerHook')),
                          custom_hooks=[dict(type='EMAHook'),
                                        dict(type=name, mode='alternate')]))
        helpers.set_schedule_mode(cfg, 'epoch')
        assert cfg.custom_hooks == [dict(type='EMAHook'),
                                    dict(type=name, mode='epoch')]

    cfg = Config(dict(default_hooks=dict(logger=dict(type='LoggerHook')),
                      custom_hooks=[dict(type='EMAHook')]))
    with pytest.raises(ValueError, match="needs one ViDiDiHook or "
                       "OrderPairScheduleHook.*hooks are "
                       "\\['LoggerHook', 'EMAHook'\\]"):
        helpers.set_schedule_mode(cfg, 'joint')


@pytest.mark.parametrize('framework', ['simclr', 'byol'])
def test_benchmark_runs_configs(framework, tmp_path):
    """Each run of the benchmark: its model, schedule and data; every config
    tests through the Runner on the run's data root."""
    bench = load_tool('tools/benchmark/synthetic_motion.py')
    vididi = tuple(Config.fromfile(ROOT / bench.VIDIDI.format(framework))
                   .model.orders)  # the ViDiDi config's orders
    expected = {'baseline': ((0, ), 'alternate'),
                'alternate': (vididi, 'alternate'),
                'epoch': (vididi, 'epoch'), 'random': (vididi, 'random'),
                'joint': (vididi, 'joint'),
                'with-same': (vididi, 'alternate'),
                'order-1-only': ((1, ), 'alternate')}
    assert set(expected) == set(bench.VARIANTS)
    for variant, (orders, mode) in expected.items():
        config, cfg = bench.run_config(framework, variant, 3, tmp_path / 'data',
                                       tmp_path / variant, epochs=5)
        assert config == ('configs/synthetic_motion/' +
                          ('' if variant == 'baseline' else 'vididi_') +
                          f'{framework}_r3d_tiny.py')
        assert tuple(cfg.model.orders) == orders
        hooks = schedule_hooks(cfg, ('ViDiDiHook', 'OrderPairScheduleHook'))
        assert [h.mode for h in hooks] == [mode]
        assert cfg.randomness.seed == 3 and cfg.train_cfg.max_epochs == 5
        assert cfg.param_scheduler[-1].end == 5
        for loader in (cfg.train_dataloader, cfg.test_dataloader):
            dataset = loader.dataset
            while 'dataset' in dataset:  # ReproducibleDataset, ...
                dataset = dataset.dataset
            assert dataset.data_root == str(tmp_path / 'data')
        assert cfg.test_dataloader.dataset.data_root == str(tmp_path / 'data')
        assert 'feature_dataloader' not in cfg
        assert cfg.test_dataloader.dataset.type == 'VideoRetrievalDataset'
        assert cfg.test_evaluator.type == 'VideoRetrievalMetric'
        assert tuple(cfg.test_evaluator.orders) == \
            tuple(cfg.model.feature_orders) == (0, 1)
        if variant == 'with-same':
            assert [tuple(p) for p in cfg.model.pairs][-1] == (0, 0)
        assert 'motion_compensation' not in cfg.model.data_preprocessor or \
            cfg.model.data_preprocessor.motion_compensation == \
            Config.fromfile(config).model.data_preprocessor.get(
                'motion_compensation')
    # +mc / -mc: the camera-motion compensation on or off, whatever the default
    for variant, value in (('alternate+mc', bench.COMPENSATION),
                           ('order-1-only-mc', None)):
        _, cfg = bench.run_config(framework, variant, 0, tmp_path, tmp_path)
        assert cfg.model.data_preprocessor.motion_compensation == value
    # one epoch: the warm-up only
    _, cfg = bench.run_config(framework, 'alternate', 0, tmp_path, tmp_path,
                              epochs=1)
    assert [s.type for s in cfg.param_scheduler] == ['LinearLR']
    assert cfg.train_dataloader.batch_size == 32
    # a shrunk dataset: the batch is at most the train videos
    (tmp_path / 'train_videos.txt').write_text('a.mp4 0\nb.mp4 1\n\n')
    _, cfg = bench.run_config(framework, 'alternate', 0, tmp_path, tmp_path)
    assert cfg.train_dataloader.batch_size == 2


def test_benchmark_table_reads_the_metric_keys_and_older_runs():
    bench = load_tool('tools/benchmark/synthetic_motion.py')

    def run(seed, order1, order0, spaced=False, **key):
        groups = {'order1': order1, 'order0': order0}
        return dict(dict(dict(framework='simclr', variant='alternate'), **key),
                    seed=seed,
                    retrieval={(g.replace('order', 'order ') if spaced else g):
                               {'R@1': v, 'R@5': v + 1} for g, v in
                               groups.items()})

    # runs.jsonl lines from before the presets axis were on the legacy data
    table = bench.table([run(0, 90.0, 10.0), run(1, 80.0, 20.0, spaced=True),
                         run(0, 50.0, 40.0, preset='strong',
                             variant='alternate+mc'),
                         run(0, 50.0, 30.0, preset='static',
                             variant='order-1-only-mc')])
    assert table.splitlines()[2:] == [
        '| static | simclr | order-1-only, uncompensated | 1 | 30.0 ± 0.0 | '
        '31.0 ± 0.0 | 50.0 ± 0.0 | 51.0 ± 0.0 |',
        '| strong | simclr | ViDiDi, compensated | 1 | 40.0 ± 0.0 | '
        '41.0 ± 0.0 | 50.0 ± 0.0 | 51.0 ± 0.0 |',
        '| legacy | simclr | ViDiDi | 2 | 15.0 ± 7.1 | 16.0 ± 7.1 | '
        '85.0 ± 7.1 | 86.0 ± 7.1 |']


def test_benchmark_variants_plan_and_ladder_plot(tmp_path):
    bench = load_tool('tools/benchmark/synthetic_motion.py')
    assert bench.split_variant('alternate+mc') == ('alternate', True)
    assert bench.split_variant('order-1-only-mc') == ('order-1-only', False)
    assert bench.split_variant('baseline') == ('baseline', None)
    with pytest.raises(ValueError, match="'alternat\\+mc'.*'\\+mc'"):
        bench.split_variant('alternat+mc')
    args = bench.parse_args(['--presets', 'static', 'strong', '--frameworks',
                             'simclr', 'byol', '--variants', 'alternate',
                             'alternate+mc', '--seeds', '0', '1',
                             '--schedules', 'order-1-only'])
    plan = bench.plan_runs(args)
    assert len(plan) == 2 * 2 * 2 * 2 + 2 * 2
    assert plan[0] == ('static', 'simclr', 'alternate', 0)
    assert plan[-1] == ('strong', 'simclr', 'order-1-only', 1)
    assert bench.parse_args(['--preset', 'legacy']).presets == ['legacy']
    with pytest.raises(SystemExit):
        bench.parse_args(['--variants', 'alternate+xx'])

    runs = [dict(preset=preset, framework='simclr', variant=variant, seed=seed,
                 retrieval={'order0': {'R@1': 10.0 + seed},
                            'order1': {'R@1': 90.0 - seed}})
            for preset in bench.LADDER
            for variant in ('alternate-mc', 'alternate+mc') for seed in (0, 1)]
    path = tmp_path / 'ladder.png'
    assert bench.plot_ladder(runs, path)
    assert path.read_bytes()[:4] == b'\x89PNG'
    assert not bench.plot_ladder(runs, tmp_path / 'none.png', 'byol')
    assert not bench.plot_ladder(runs[:2], tmp_path / 'one.png')  # one rung


def test_retrieval_groups_and_test_command():
    helpers = load_tool('tools/benchmark/motion_benchmark.py')
    metrics = {'retrieval/order0/R@1': 10.0, 'retrieval/order0/R@5': 50.0,
               'retrieval/orders0+1/R@1': 30.0, 'other/accuracy': 1.0}
    assert helpers.retrieval_groups(metrics) == {
        'order0': {'R@1': 10.0, 'R@5': 50.0}, 'orders0+1': {'R@1': 30.0}}
    assert helpers.retrieval_groups({'retrieval/R@1': 5.0}) == \
        {'all': {'R@1': 5.0}}
    command = helpers.test_command(
        'configs/x.py', 'work dirs/epoch_1.pth', 'data',
        {'test_dataloader.num_workers': 0, 'model.orders': (0, )})
    assert shlex.split(command) == [
        'python', 'tools/test.py', 'configs/x.py', 'work dirs/epoch_1.pth',
        '--cfg-options', 'test_dataloader.dataset.data_root=data',
        'test_dataloader.num_workers=0']


def test_dataset_written_once_per_spec_and_seed(tmp_path):
    helpers = load_tool('tools/benchmark/motion_benchmark.py')
    spec = MotionDatasetSpec.preset(helpers.DEFAULT_PRESET, dynamics=('constant', ),
                                    train_per_class=1, test_per_class=1,
                                    num_frames=8)
    assert helpers.ensure_dataset(tmp_path, spec, seed=0)
    first = sorted(tmp_path.rglob('*.mp4'))
    assert len(first) == 8 and (tmp_path / 'test_videos.txt').exists()
    stamp = first[0].stat().st_mtime_ns
    assert not helpers.ensure_dataset(tmp_path, spec, seed=0)  # reused
    assert first[0].stat().st_mtime_ns == stamp
    assert helpers.ensure_dataset(tmp_path, spec, seed=1)  # another seed
    assert helpers.ensure_dataset(tmp_path, spec.replace(train_per_class=2),
                                  seed=1)
    assert len((tmp_path / 'train_videos.txt').read_text().splitlines()) == 8


def test_demo_reports(tmp_path):
    demo = load_tool('tools/demo.py')
    results = {name: dict(retrieval={g: {'R@1': r, 'R@5': r + 1, 'R@10': r + 2}
                                     for g, r in zip(GROUPS, (10., 20., 30.))},
                          test_command=f'python tools/test.py {name}.py x.pth')
               for name in ('ViDiDi', 'baseline')}
    curves = {'ViDiDi': [3.0, 2.0], 'baseline': [3.0, 2.5]}
    table = demo.write_reports(tmp_path, results, curves, 'header')
    assert table.splitlines()[2:5] == ['| ViDiDi | order0 | 10.0 | 11.0 | 12.0 |',
                                       '| ViDiDi | order1 | 20.0 | 21.0 | 22.0 |',
                                       '| ViDiDi | orders0+1 | 30.0 | 31.0 | 32.0 |']
    assert json.loads((tmp_path / 'results.json').read_text()) == results
    markdown = (tmp_path / 'results.md').read_text()
    assert markdown.startswith('header\n\n| model')
    assert '- baseline: `python tools/test.py baseline.py x.pth`' in markdown
    for image in ('loss_curves.png', 'recall_at_k.png'):
        assert (tmp_path / image).read_bytes()[:4] == b'\x89PNG'


def test_tuning_run_random_encoder(motion_root, tmp_path):
    """EPOCHS 0 tests the encoder as built; the line has the recalls."""
    log = tmp_path / 'runs.jsonl'
    run = subprocess.run(
        [sys.executable, 'tools/benchmark/tuning_run.py', 'random',
         'configs/synthetic_motion/vididi_simclr_r3d_tiny.py', str(motion_root),
         '0', '--work-dir', str(tmp_path), '--log', str(log), '--options',
         json.dumps({'test_dataloader.num_workers': 0, 'seed': 3})],
        cwd=ROOT, capture_output=True, text=True,
        env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert run.returncode == 0, run.stderr[-3000:]
    record = json.loads(log.read_text())
    assert record['name'] == 'random' and record['epochs'] == 0
    assert record['threads'] == 1  # torch's, as OMP_NUM_THREADS set them
    assert record['seed'] == 3 and record['final_loss'] is None
    assert record['opts'] == {'test_dataloader.num_workers': 0}
    for key in ('r1_o0', 'r1_o1', 'r1_o01', 'r5_o0'):
        assert record[key] / 12.5 == round(record[key] / 12.5)  # 8 queries
    assert not list(tmp_path.glob('random/*.pth'))  # nothing trained


def test_tuning_run_resumes_from_the_newest_checkpoint(motion_root, tmp_path):
    """--resume goes on from the run's last checkpoint (one epoch of two) and
    the line names it; the run ends at the second epoch's checkpoint."""
    log = tmp_path / 'runs.jsonl'

    def tuning_run(epochs, *flags):
        run = subprocess.run(
            [sys.executable, 'tools/benchmark/tuning_run.py', 'run',
             'configs/synthetic_motion/vididi_simclr_r3d_tiny.py',
             str(motion_root), str(epochs), '--work-dir', str(tmp_path),
             '--log', str(log), *flags, '--options',
             json.dumps({'batch': 8, 'train_dataloader.num_workers': 0,
                         'train_dataloader.persistent_workers': False,
                         'test_dataloader.num_workers': 0,
                         'log_level': 'INFO'})],
            cwd=ROOT, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr[-3000:]
        return (json.loads(log.read_text().splitlines()[-1]),
                run.stdout + run.stderr)

    first, _ = tuning_run(1)
    assert first['resumed_from'] is None
    second, log_text = tuning_run(2, '--resume')
    assert second['resumed_from'] == str(tmp_path / 'run' / 'epoch_1.pth')
    assert 'resumed epoch: 1, iter: 2' in log_text  # 16 videos, batch 8
    assert 'Epoch(train) [2][2/2]' in log_text
    assert 'Epoch(train) [1]' not in log_text
    assert (tmp_path / 'run' / 'epoch_2.pth').exists()
    assert second['final_loss'] is not None


def test_demo_probe_table():
    demo = load_tool('tools/demo.py')
    probe = {'speed': 40.0, 'direction': 55.0, 'joint': 20.0,
             'shuffle_sensitivity': 0.125, 'speed_chance': 100 / 3,
             'direction_chance': 50.0, 'joint_chance': 100 / 6,
             'motion_energy/speed': 60.0, 'motion_energy/direction': 50.0,
             'motion_energy/joint': 30.0}
    table = demo.probe_table({'ViDiDi': probe,
                              'random encoder': dict(probe, speed=30.0)})
    assert table.splitlines() == [
        '| features | speed | direction | joint | shuffle sensitivity |',
        '| --- | --- | --- | --- | --- |',
        '| ViDiDi, frames | 40.0 | 55.0 | 20.0 | 0.125 |',
        '| random encoder, frames | 30.0 | 55.0 | 20.0 | 0.125 |',
        '| motion energy (hand-made) | 60.0 | 50.0 | 30.0 | |',
        '| chance | 33.3 | 50.0 | 16.7 | |']


def test_visualize_derivatives_tool(motion_root, tmp_path):
    from PIL import Image
    video = next((motion_root / 'videos' / 'train').rglob('*.mp4'))
    subprocess.run([sys.executable, 'tools/analysis/visualize_derivatives.py',
                    str(video), '--out-dir', str(tmp_path), '--clip-len', '4'],
                   cwd=ROOT, check=True, capture_output=True)
    grid = Image.open(tmp_path / f'{video.stem}_orders.png')
    assert grid.size == (4 * 64, 3 * 64)  # frames across, orders down
    gif = Image.open(tmp_path / f'{video.stem}_orders.gif')
    assert gif.size == (3 * 64, 64) and gif.n_frames == 4
    too_long = subprocess.run(
        [sys.executable, 'tools/analysis/visualize_derivatives.py', str(video),
         '--out-dir', str(tmp_path), '--clip-len', '30'],
        cwd=ROOT, capture_output=True, text=True)
    assert too_long.returncode != 0 and 'lower --start' in too_long.stderr


def test_checkpoint_curve_tests_each_epoch_once(motion_root, tmp_path):
    """Every epoch_N.pth of a run and, with --epoch-zero, the encoder as
    built under the run's seed (once for the runs of one config and seed): a
    checkpoint of the as-built weights retrieves exactly as they do, a run of
    seed 1 gets seed 1's encoder; a second call tests nothing again and
    redraws the figure."""
    import torch
    from mmengine.runner import Runner
    helpers = load_tool('tools/benchmark/motion_benchmark.py')
    config = 'configs/synthetic_motion/vididi_simclr_r3d_tiny.py'
    run_dir = tmp_path / 'run'
    run_dir.mkdir()
    cfg = helpers.benchmark_config(config, motion_root, tmp_path / 'build')
    torch.save({'state_dict': Runner.from_cfg(cfg).model.state_dict()},
               run_dir / 'epoch_3.pth')
    (run_dir / 'epoch_3.log').write_text('')  # not a checkpoint
    # a run of seed 1 (the Runner saves its config, seed included, in its
    # folder); what its encoder as built retrieves, tested directly
    seeded = helpers.benchmark_config(config, motion_root, tmp_path / 'seeded',
                                      seed=1)
    seed_1 = helpers.retrieval_groups(Runner.from_cfg(seeded).test())
    curve = load_tool('tools/benchmark/checkpoint_curve.py')
    assert curve.run_seed(tmp_path / 'seeded') == 1
    assert curve.run_seed(run_dir) == 0  # no saved config
    out = tmp_path / 'curve.png'
    command = [sys.executable, 'tools/benchmark/checkpoint_curve.py',
               str(motion_root), str(out), '--epoch-zero',
               '--run', f'ViDiDi={config}:{run_dir}',
               # a run of the same config and seed without checkpoints: its
               # epoch 0 is the first run's
               '--run', f'twin={config}:{tmp_path / "build"}',
               '--run', f'seeded={config}:{tmp_path / "seeded"}']
    first = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr[-3000:]
    records = [json.loads(line) for line in
               (tmp_path / 'curve.jsonl').read_text().splitlines()]
    assert [(r['label'], r['epoch'], r['seed']) for r in records] == \
        [('ViDiDi', 0, 0), ('ViDiDi', 3, 0), ('twin', 0, 0), ('seeded', 0, 1)]
    keys = ('r1_o0', 'r1_o1', 'r5_o0', 'r5_o1')
    assert [records[0][k] for k in keys] == [records[1][k] for k in keys]
    assert [records[0][k] for k in keys] == [records[2][k] for k in keys]
    assert [records[3][k] for k in keys] == [
        seed_1[f'order{o}'][f'R@{k}'] for o, k in ((0, 1), (1, 1), (0, 5),
                                                   (1, 5))]
    assert records[0]['command'] is None
    assert shlex.split(records[1]['command'])[2:4] == \
        [config, str(run_dir / 'epoch_3.pth')]
    assert out.read_bytes()[:4] == b'\x89PNG'
    out.unlink()
    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr[-3000:]
    assert len((tmp_path / 'curve.jsonl').read_text().splitlines()) == 4
    assert out.read_bytes()[:4] == b'\x89PNG'


def test_checkpoint_curve_run_argument():
    curve = load_tool('tools/benchmark/checkpoint_curve.py')
    parsed = curve.parse_run('a b=c.py:w/d')
    assert parsed == ('a b', 'c.py', curve.Path('w/d'))
    with pytest.raises(curve.argparse.ArgumentTypeError,
                       match='LABEL=CONFIG:WORK_DIR'):
        curve.parse_run('c.py:w/d')


def test_feature_spread_against_a_loop_over_pairs():
    """The collapse check: per block, the mean cosine of two different rows
    and the mean std of the normalised columns, against an explicit loop; a
    collapsed block (every row the same direction) gives 1 and 0, orthogonal
    one-hot rows 0 and 0.5."""
    tool = load_tool('tools/benchmark/feature_spread.py')
    torch.manual_seed(0)
    collapsed = torch.rand(4, 1) * torch.rand(1, 4)  # one direction, scaled
    features = torch.cat([collapsed, torch.eye(4), torch.rand(4, 4)], dim=1)
    spread = tool.feature_spread(features, blocks=3)
    assert spread[0] == pytest.approx((1.0, 0.0), abs=1e-6)
    assert spread[1] == pytest.approx((0.0, 0.5), abs=1e-6)
    block = torch.nn.functional.normalize(features[:, 8:], dim=1)
    cosines = [float(block[i] @ block[j]) for i in range(4) for j in range(4)
               if i != j]
    assert spread[2] == pytest.approx(
        (sum(cosines) / len(cosines), float(block.std(dim=0).mean())))
    with pytest.raises(ValueError, match='2 or more videos, got 1'):
        tool.feature_spread(features[:1], blocks=3)


def test_feature_spread_names_an_empty_list_in_one_line(tmp_path):
    """The tool reads its list with the reader the other tools share, and an
    empty list ends it before any model is built: one line, exit 2."""
    listed = tmp_path / 'test_videos.txt'
    listed.write_text('# no videos yet\n')
    run = subprocess.run(
        [sys.executable, 'tools/benchmark/feature_spread.py',
         'configs/synthetic_motion/vididi_simclr_r3d_tiny.py', 'random',
         '--videos', str(listed)], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip() == (f'error: {listed} lists no videos: give one '
                                  'path a line, optionally followed by an '
                                  'integer label')


def test_pair_losses_from_a_checkpoints_message_hub(tmp_path):
    """The mean loss of each pair over the last steps, read back from a saved
    message hub, against the mean computed by hand; the table has one column a
    pair."""
    tool = load_tool('tools/benchmark/pair_losses.py')
    hub = MessageHub('pair_losses_test')
    steps = [((0, 1), 9.0), ((0, 1), 3.0), ((1, 2), 2.0), ((0, 1), 1.0),
             ((1, 2), 4.0), ((2, 0), 5.0)]
    for (a, b), loss in steps:
        hub.update_scalar(tool.LOSS_SCALAR, loss)
        hub.update_scalar(ORDER_A_SCALAR, a)
        hub.update_scalar(ORDER_B_SCALAR, b)
    checkpoint = tmp_path / 'epoch_1.pth'
    torch.save({'message_hub': hub.state_dict()}, checkpoint)
    losses = tool.pair_losses(checkpoint, last=5)  # the first step left out
    assert losses == {(0, 1): 2.0, (1, 2): 3.0, (2, 0): 5.0}
    assert tool.table({'run': losses}).splitlines() == [
        '| checkpoint | (0, 1) | (1, 2) | (2, 0) |',
        '| --- | --- | --- | --- |', '| run | 2.00 | 3.00 | 5.00 |']

    joint = MessageHub('pair_losses_joint')  # 'joint' mode logs no pair
    joint.update_scalar(tool.LOSS_SCALAR, 1.0)
    torch.save({'message_hub': joint.state_dict()}, checkpoint)
    with pytest.raises(ValueError, match=r"epoch_1.pth: its message hub has "
                       r"no \['train/order_a', 'train/order_b'\].*not 'joint'"):
        tool.pair_losses(checkpoint, last=5)


def test_frame_bn_stats_sets_the_mean_of_the_batch_statistics():
    """Every batch-norm layer's running statistics become the mean of its
    batch statistics over the batches (computed here by hand, biased mean and
    unbiased variance as batch norm keeps them); momentum and eval mode are
    restored, the weights untouched."""
    tool = load_tool('tools/benchmark/frame_bn_stats.py')
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv3d(3, 4, 3), nn.BatchNorm3d(4, momentum=0.3),
                        nn.ReLU(), nn.Conv3d(4, 2, 1), nn.BatchNorm3d(2))
    net.eval()
    net[1].running_mean.fill_(7.0)
    weight = net[0].weight.clone()
    batches = [torch.randn(3, 3, 4, 6, 6) * scale + shift
               for scale, shift in ((1.0, 0.0), (2.0, 1.0), (0.5, -3.0))]
    assert tool.refresh_bn_statistics(net, iter(batches)) == 3
    with torch.no_grad():
        outputs = [net[0](batch) for batch in batches]
    means = torch.stack([out.mean(dim=(0, 2, 3, 4)) for out in outputs])
    variances = torch.stack([out.transpose(0, 1).flatten(1).var(dim=1)
                             for out in outputs])
    torch.testing.assert_close(net[1].running_mean, means.mean(dim=0))
    torch.testing.assert_close(net[1].running_var, variances.mean(dim=0))
    assert int(net[1].num_batches_tracked) == 3
    assert net[1].momentum == 0.3 and net[4].momentum == 0.1
    assert not net.training
    assert torch.equal(net[0].weight, weight)
