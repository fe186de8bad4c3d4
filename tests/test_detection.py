"""Action detection in MMAction2's AVA format: the README's command trains and
validates the RoI detector from its config; AVAMetric's frame-mAP on a
hand-built case."""
import os
import pickle

import cv2
import numpy as np
import pytest
import torch
from mmaction.registry import METRICS
from mmengine import Config

from tests.readme import cfg_options, logged, run_readme_command
from tests.tiny_configs import ROOT

LABEL_MAP = ('item {\n  name: "walk right"\n  id: 1\n}\n'
             'item {\n  name: "walk left"\n  id: 2\n}\n')


@pytest.fixture(scope='module')
def ava_root(tmp_path_factory):
    """Two rawframe videos (40 frames, 4 fps) of a 'person' square walking right
    (action 1) or left (action 2), AVA-format CSV, label map and proposals."""
    root = tmp_path_factory.mktemp('ava')
    rows, proposals = [], {}
    rng = np.random.default_rng(0)
    for video, (action, step) in {'vidA': (1, 1), 'vidB': (2, -1)}.items():
        (root / 'rawframes' / video).mkdir(parents=True)
        background = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)
        for i in range(40):
            frame = background.copy()
            x = 20 + step * (i // 2)
            frame[20:44, x:x + 16] = (255, 255, 255)
            cv2.imwrite(str(root / 'rawframes' / video / f'img_{i + 1:05d}.jpg'),
                        frame)
        for second in range(2, 9):
            x = 20 + step * ((4 * second) // 2)
            box = np.array([x, 20, x + 16, 44]) / 64
            rows.append(f'{video},{second:04d},' +
                        ','.join(f'{v:.3f}' for v in box) + f',{action},0')
            far = np.array([0.0, 0.0, 0.2, 0.2])
            proposals[f'{video},{second:04d}'] = np.array(
                [[*box, 1.0], [*far, 0.95]], dtype=np.float32)
    (root / 'train.csv').write_text('\n'.join(rows) + '\n')
    (root / 'labels.pbtxt').write_text(LABEL_MAP)
    with open(root / 'proposals.pkl', 'wb') as f:
        pickle.dump(proposals, f)
    return root


def tiny_detection_config(root, work_dir) -> Config:
    cfg = Config.fromfile(ROOT / 'configs/detection/r3d18_vididi_ava.py')
    cfg.work_dir = str(work_dir)
    cfg.model.update(in_channels=64, num_classes=3)
    cfg.model.backbone.update(base_channels=8, pretrained=None)
    args = dict(ann_file=str(root / 'train.csv'), exclude_file=None,
                label_file=str(root / 'labels.pbtxt'),
                proposal_file=str(root / 'proposals.pkl'),
                data_prefix=dict(img=str(root / 'rawframes')), fps=4,
                timestamp_start=0, timestamp_end=10, num_classes=3)
    for split in ('train', 'val', 'test'):
        loader = cfg[f'{split}_dataloader']
        loader.update(batch_size=2, num_workers=0, persistent_workers=False)
        loader.dataset.update(args)
        for transform in loader.dataset.pipeline:
            if transform.type == 'SampleAVAFrames':
                transform.update(clip_len=4, frame_interval=1)
            if transform.type == 'RandomRescale':
                transform.scale_range = (64, 72)
            if transform.type == 'RandomCrop':
                transform.size = 64
            if transform.type == 'Resize':
                transform.scale = (-1, 64)
    for split in ('val', 'test'):
        cfg[f'{split}_evaluator'].update(
            ann_file=args['ann_file'], label_file=args['label_file'],
            exclude_file=None, num_classes=3)
    cfg.train_cfg.update(max_epochs=2, val_interval=2)
    cfg.param_scheduler = []
    cfg.default_hooks.logger.interval = 1
    return cfg


DETECTION = 'python tools/train.py configs/detection/r3d18_vididi_ava.py'


def test_readme_detection_command(ava_root, tmp_path):
    """The README's detection command, shrunk: 2 epochs on the two AVA-format
    videos, validation (frame-mAP) after the second."""
    work_dir = tmp_path / 'work'
    shrunk = tiny_detection_config(ava_root, work_dir)
    result = run_readme_command(   # AVAMetric writes a temporary CSV to cwd
        DETECTION, '--work-dir', work_dir, '--cfg-options',
        *cfg_options('detection/r3d18_vididi_ava.py', shrunk), cwd=tmp_path)
    losses = logged(work_dir, 'loss')
    assert len(losses) == 14 and all(np.isfinite(losses))
    assert 'Epoch(val) [2]' in result.stdout + result.stderr
    frame_map = logged(work_dir, 'mAP/overall')
    assert len(frame_map) == 1 and 0.0 <= frame_map[0] <= 1.0
    assert (work_dir / 'epoch_2.pth').is_file()
    assert not [p for p in os.listdir(tmp_path) if p.startswith('AVA_')]


def test_frame_map_on_a_hand_built_case(ava_root, tmp_path, monkeypatch):
    """Keyframe vidA,0002 holds box A doing action 1, vidA,0003 box B doing
    action 2. Action 1: box A (0.9) ranks above a miss (0.8): AP 1. Action 2: a
    miss (0.7) ranks above box B (0.6): precision 1/2 at full recall, AP 0.5."""
    monkeypatch.chdir(tmp_path)
    box_a, box_b, miss = [0.1, 0.1, 0.4, 0.4], [0.5, 0.5, 0.9, 0.9], \
        [0.0, 0.6, 0.1, 0.9]
    gt = tmp_path / 'gt.csv'
    gt.write_text(f'vidA,0002,{",".join(map(str, box_a))},1,0\n'
                  f'vidA,0003,{",".join(map(str, box_b))},2,0\n')
    metric = METRICS.build(dict(type='AVAMetric', ann_file=str(gt),
                                label_file=str(ava_root / 'labels.pbtxt'),
                                exclude_file=None, num_classes=3))

    def prediction(timestamp, boxes, scores):
        return dict(video_id='vidA', timestamp=timestamp, pred_instances=dict(
            bboxes=torch.tensor(boxes), scores=torch.tensor(scores)))

    metric.process(None, [
        prediction(2, [box_a, miss], [[0, 0.9, 0.0], [0, 0.8, 0.0]]),
        prediction(3, [miss, box_b], [[0, 0.0, 0.7], [0, 0.0, 0.6]]),
    ])
    result = metric.compute_metrics(metric.results)
    assert result['overall'] == pytest.approx(0.75)
    assert not [p for p in os.listdir(tmp_path) if p.startswith('AVA_')]
