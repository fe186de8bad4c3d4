"""tools/benchmark/retrieval_blocks.py: R@1 of blocks of queries, from the
dump that tools/test.py writes."""
import pickle
import re
import subprocess
import sys

import pytest
import torch

from mmvididi.data_preparation.synthetic_motion import (
    MotionDatasetSpec, generate_motion_dataset)
from tests.test_motion_benchmark import ROOT, load_tool

CONFIG = 'configs/synthetic_motion/vididi_simclr_r3d_tiny.py'


def sample(role, label, order0, order1):
    """One prediction as tools/test.py dumps it (feature orders 0 and 1)."""
    return {'retrieval_role': role, 'gt_label': torch.tensor([label]),
            'feature_orders': (0, 1),
            'feature': torch.tensor(order0 + order1, dtype=torch.float)}


def test_blocks_against_a_hand_count():
    """Two classes; order 0 places the first two queries by their class and
    the last two by the other, order 1 every query by its class: order 0 has
    R@1 50 over all, 100 and 0 in the two blocks of two."""
    a, b = [1.0, 0.0], [0.0, 1.0]
    gallery = [sample('gallery', 0, a, a), sample('gallery', 1, b, b)]
    queries = [sample('query', 0, a, a), sample('query', 1, b, b),
               sample('query', 0, b, a), sample('query', 1, a, b)]
    groups = load_tool('tools/benchmark/retrieval_blocks.py').block_recalls(
        queries + gallery, block=2)
    assert list(groups) == ['order0', 'order1', 'orders0+1']
    assert groups['order0']['R@1'] == 50.0
    assert groups['order0']['blocks'] == [100.0, 0.0]
    assert groups['order0']['block_sd'] == pytest.approx(2 ** 0.5 * 50)
    assert groups['order1']['blocks'] == [100.0, 100.0]
    assert groups['order1']['block_sd'] == 0.0
    assert groups['order0']['R@5'] == 100.0  # the whole gallery


def test_a_dump_of_tools_test(tmp_path):
    """tools/test.py --dump of a retrieval test, then the tool from the
    command line: its R@1 of all queries is the one tools/test.py printed,
    and equal blocks average to it; a file that is not such a dump ends with
    one line that names it."""
    from mmengine.runner import Runner
    root = generate_motion_dataset(tmp_path / 'data', MotionDatasetSpec(
        train_per_class=2, test_per_class=1, num_frames=20), seed=0)
    helpers = load_tool('tools/benchmark/motion_benchmark.py')
    cfg = helpers.benchmark_config(CONFIG, root, tmp_path / 'build')
    checkpoint = tmp_path / 'as_built.pth'
    torch.save({'state_dict': Runner.from_cfg(cfg).model.state_dict()},
               checkpoint)
    dump = tmp_path / 'model.pkl'
    test = subprocess.run(
        [sys.executable, 'tools/test.py', CONFIG, str(checkpoint),
         '--work-dir', str(tmp_path / 'test'), '--dump', str(dump),
         '--cfg-options', f'test_dataloader.dataset.data_root={root}',
         'test_dataloader.num_workers=0'],
        cwd=ROOT, capture_output=True, text=True)
    assert test.returncode == 0, test.stderr[-3000:]
    printed = float(re.search(r'retrieval/order0/R@1: ([\d.]+)',
                              test.stdout + test.stderr).group(1))

    result = subprocess.run(
        [sys.executable, 'tools/benchmark/retrieval_blocks.py', str(dump),
         '--block', '4', '--log', str(tmp_path / 'blocks.jsonl')],
        cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    row = next(line for line in result.stdout.splitlines()
               if line.startswith('| model.pkl | order0 |'))
    cells = [cell.strip() for cell in row.split('|')[1:-1]]
    assert cells[2] == '8'  # 8 test videos: one a class
    assert float(cells[3]) == pytest.approx(printed, abs=0.05)
    blocks = [float(r) for r in cells[5].split()]
    assert len(blocks) == 2
    assert sum(blocks) / 2 == pytest.approx(printed, abs=0.1)
    assert (tmp_path / 'blocks.jsonl').read_text().count('\n') == 1

    not_a_dump = tmp_path / 'other.pkl'
    not_a_dump.write_bytes(pickle.dumps({'a': 1}))
    bad = subprocess.run(
        [sys.executable, 'tools/benchmark/retrieval_blocks.py',
         str(not_a_dump)], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        f'error: {not_a_dump}: not a list of predictions; write it with '
        'tools/test.py CONFIG CHECKPOINT --dump FILE']
