"""The embedded default end to end, shrunk: dataset, pretraining, retrieval,
reports; and the console progress bar."""
import importlib.util
import json

import pytest

from mmvididi.apis import (benchmark_config, loss_curve, motion_retrieval,
                           pretrain)
from mmvididi.data_preparation.synthetic_motion import (
    MotionDatasetSpec, generate_motion_dataset)
from mmvididi.engine import ProgressBarHook
from tests.tiny_configs import ROOT


def load_demo():
    spec = importlib.util.spec_from_file_location('demo', ROOT / 'tools/demo.py')
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    return demo


@pytest.fixture(scope='module')
def motion_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('motion')
    generate_motion_dataset(root, MotionDatasetSpec(
        train_per_class=2, test_per_class=1, num_frames=20), seed=0)
    return root


def test_pretrain_and_retrieve_both_twins(motion_root, tmp_path, capsys):
    results, curves = {}, {}
    for name, orders in (('ViDiDi', (0, 1, 2)), ('baseline', (0, ))):
        cfg = benchmark_config(
            str(ROOT / 'configs/synthetic_motion/vididi_vicreg_r3d_tiny.py'),
            motion_root, tmp_path / name, orders=orders, max_epochs=2,
            cfg_options={'train_dataloader.batch_size': 8,
                         'train_dataloader.num_workers': 0,
                         'train_dataloader.persistent_workers': False,
                         'feature_dataloader.num_workers': 0})
        runner = pretrain(cfg, [ProgressBarHook(name)])
        assert runner.model.orders == orders
        curves[name] = loss_curve(runner)
        retrieval = motion_retrieval(runner.model, cfg, motion_root)
        assert list(retrieval) == ['order 0', 'order 1', 'orders 0+1']
        for recall in retrieval.values():
            assert set(recall) == {'R@1', 'R@5', 'R@10'}
            assert 0 <= recall['R@1'] <= recall['R@5'] <= recall['R@10'] <= 100
        results[name] = dict(retrieval=retrieval)
    assert len(curves['ViDiDi']) == 4  # 16 videos, batch 8, 2 epochs
    assert '[baseline] epoch 2/2 |########################| iter 4/4' in \
        capsys.readouterr().out

    table = load_demo().write_reports(tmp_path, results, curves, 'header')
    assert table.splitlines()[2].startswith('| ViDiDi | order 0 |')
    assert json.loads((tmp_path / 'results.json').read_text()) == results
    assert (tmp_path / 'results.md').read_text().startswith('header\n\n| model')
    for image in ('loss_curves.png', 'recall_at_k.png'):
        assert (tmp_path / image).read_bytes()[:4] == b'\x89PNG'


def test_visualize_derivatives_tool(motion_root, tmp_path):
    import subprocess
    import sys

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
