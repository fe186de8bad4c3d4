"""With only ``import mmvididi``, every component is registered and every config
under ``configs/`` resolves and builds.

Checked in a fresh interpreter (``tests/resolve_configs.py``, one subprocess for
all configs), because in the test process some test has always imported the
module a config needs before the config is read. New configs are found by
globbing, so they are covered without an edit here.
"""
import json
import os
import subprocess
import sys

import pytest
from filelock import FileLock

from tests.tiny_configs import FRAMEWORKS, ROOT

CONFIGS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / 'configs').rglob('*.py'))
BUILT = [c for c in CONFIGS if '/_base_/' not in c]
#: samples in the tiny annotation files of tests/resolve_configs.py: the 4
#: videos of train.txt, 2 queries + 4 gallery videos, 2 AVA videos x 2
#: keyframes, 4 videos x 7 probe clips (3 speeds x 2 directions + shuffled)
LENGTHS = {'VideoRetrievalDataset': 6, 'AVADataset': 4, 'MotionProbeDataset': 28}
VIDEO_LIST_LENGTH = 4


@pytest.fixture(scope='module')
def report(video_dir, tmp_path_factory) -> dict:
    """The fresh interpreter's report, built once a test run: under
    pytest-xdist each worker runs some of this module's tests, and the first
    to get here builds it (about a minute) for all of them."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get('PYTEST_XDIST_WORKER'):
        shared = shared.parent  # the run's, above the workers' own
    out = shared / 'resolve_configs_report.json'
    with FileLock(str(out) + '.lock'):
        if not out.is_file():
            work_dir = tmp_path_factory.mktemp('resolve_configs')
            result = subprocess.run(
                [sys.executable, str(ROOT / 'tests' / 'resolve_configs.py'),
                 str(video_dir), str(work_dir), str(work_dir / 'report.json')],
                cwd=work_dir, capture_output=True, text=True, timeout=1200)
            assert result.returncode == 0, result.stderr[-4000:]
            (work_dir / 'report.json').replace(out)
    return json.loads(out.read_text())


def test_import_mmvididi_registers_every_component(report):
    assert report['suite_modules'] == []  # a fresh interpreter indeed
    assert report['unregistered'] == []
    for package in ('datasets', 'engine', 'evaluation', 'models'):
        assert f'mmvididi.{package}' in report['modules']
    # offline data preparation is not imported by import mmvididi
    assert not [m for m in report['modules'] if 'data_preparation' in m]


def test_every_config_was_checked(report):
    assert sorted(report['configs']) == CONFIGS
    assert len(BUILT) >= 20


@pytest.mark.parametrize('config', CONFIGS)
def test_config_resolves_every_type(report, config):
    entry = report['configs'][config]
    assert entry['errors'] == [], '\n'.join(entry['errors'])
    assert entry['types'] > 0


@pytest.mark.parametrize('config', BUILT)
def test_config_builds_model_hooks_loops_and_datasets(report, config):
    entry = report['configs'][config]
    assert entry['errors'] == [], '\n'.join(entry['errors'])
    assert entry['scope'] == 'mmaction' and 'mmvididi' in entry['imports']
    # every dataloader is one the Runner builds (no side roads)
    assert entry['extra_dataloaders'] == []
    assert entry['loops'], 'no train, val or test loop'
    for loop in entry['loops'].values():
        assert loop['length'] == LENGTHS.get(loop['dataset'], VIDEO_LIST_LENGTH)
        assert {'inputs', 'data_samples'} <= set(loop['sample'])
    if 'train' in entry['loops']:
        assert entry['optim_wrapper'] and entry['param_schedulers']
    hooks = entry['hooks']
    assert 'BrokenVideoHook' in hooks and 'CheckpointHook' in hooks

    name = config.split('/')[-1]
    if config.startswith('configs/retrieval/'):
        assert entry['model'] == 'ViDiDiRecognizer'
        assert entry['loops']['test']['type'] == 'FeatureCacheTestLoop'
        assert entry['loops']['test']['metrics'] == ['VideoRetrievalMetric']
    elif config.startswith('configs/recognition/'):
        assert entry['model'] == 'Recognizer3D'
    elif config.startswith('configs/probes/'):
        assert entry['model'] == 'ViDiDiRecognizer'
        assert entry['loops']['test']['type'] == 'TestLoop'
        assert entry['loops']['test']['metrics'] == ['MotionProbeMetric']
    elif config.startswith('configs/detection/'):
        assert entry['model'] == 'RoIActionDetector'
        assert entry['loops']['val']['metrics'] == ['AVAMetric']
    else:  # pretraining: ViDiDi or its baseline twin, with the pair schedule
        assert entry['model'] == 'ViDiDiRecognizer'
        assert entry['orders'] == ([0, 1, 2] if name.startswith('vididi_')
                                   else [0])
        assert {'ViDiDiHook', 'OrderPairScheduleHook'} & set(hooks)
        assert ('TargetMomentumHook' in hooks) == ('byol' in name)
        assert any(framework in name for framework in FRAMEWORKS)
