"""Video retrieval from a config with tools' Runner: metric, dataset, cache; the
README's retrieval commands."""
import re
from pathlib import Path

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from mmvididi.evaluation import retrieval_recall
from tests.readme import cfg_options, logged, run_readme_command
from tests.tiny_configs import tiny_config, tiny_retrieval_config


@pytest.fixture
def retrieval_setup(video_dir, tmp_path):
    lines = (video_dir / 'train.txt').read_text().splitlines()
    query, gallery = tmp_path / 'query.txt', tmp_path / 'gallery.txt'
    query.write_text('\n'.join(lines[::2]) + '\n')  # one video of each class
    gallery.write_text('\n'.join(lines) + '\n')
    checkpoint = tmp_path / 'vididi.pth'
    cfg = tiny_retrieval_config(video_dir, tmp_path / 'work', checkpoint,
                                query, gallery)
    init_default_scope('mmaction')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    torch.save(dict(state_dict=model.state_dict()), checkpoint)
    return cfg, model


RETRIEVAL = 'python tools/test.py configs/retrieval/{} CHECKPOINT'


@pytest.mark.parametrize('config', ['vididi_r3d_ucf101_split1.py',
                                    'vididi_r3d_hmdb51_split1.py'])
def test_readme_retrieval_commands(config, retrieval_setup, tmp_path):
    """The README's tools/test.py lines, shrunk (thin R3D-18, 2 clips of 4
    frames, the tiny query and gallery lists): R@k as a direct computation
    on the model's predict features gives it, and the features cached."""
    cfg, model = retrieval_setup
    work_dir = tmp_path / 'test_work'
    result = run_readme_command(
        RETRIEVAL.format(config), '--work-dir', work_dir, '--cfg-options',
        *cfg_options(f'retrieval/{config}', cfg),
        replace={'CHECKPOINT': cfg.load_from}, cwd=tmp_path)
    printed = dict(re.findall(r'retrieval/(R@\d+): ([\d.]+)',
                              result.stdout + result.stderr))
    assert list(printed) == [f'R@{k}' for k in (1, 5, 10, 20, 50)]
    assert len(list((work_dir / 'feature_cache').glob('*.pth'))) == 1

    # the same features by hand: model.predict on the dataset's samples
    loader = Runner.build_dataloader(cfg.test_dataloader)
    model.eval()
    parts = {'query': ([], []), 'gallery': ([], [])}
    with torch.no_grad():
        for batch in loader:
            for sample in model.test_step(batch):
                features, labels = parts[sample.retrieval_role]
                features.append(sample.feature)
                labels.append(sample.gt_label.item())
    assert len(parts['query'][0]) == 2 and len(parts['gallery'][0]) == 4
    expected = retrieval_recall(
        torch.stack(parts['query'][0]), torch.tensor(parts['query'][1]),
        torch.stack(parts['gallery'][0]), torch.tensor(parts['gallery'][1]))
    for k, value in expected.items():
        assert float(printed[k]) == pytest.approx(value, abs=1e-3)
    # the query video is in the gallery too: R@1 is 100
    assert float(printed['R@1']) == 100.0


def test_per_order_retrieval_through_the_runner(retrieval_setup):
    """feature_orders=(0, 1) and the metric's orders=(0, 1): one set of keys
    per order and for both, each equal to R@k on those blocks of the
    model.predict features, computed by hand."""
    cfg, _ = retrieval_setup
    dataset = cfg.test_dataloader.dataset
    gallery = Path(dataset.gallery_ann_file).with_name('other_videos.txt')
    lines = Path(dataset.gallery_ann_file).read_text().splitlines()
    gallery.write_text('\n'.join(lines[1::2]) + '\n')  # not the queries
    dataset.gallery_ann_file = str(gallery)
    cfg.model.feature_orders = (0, 1)
    for transform in cfg.test_dataloader.dataset.pipeline:
        if transform.type == 'SampleFrames':
            transform.clip_len += 1  # T + max(orders) frames
        if transform.type == 'TemporalDerivative':
            transform.orders = (0, 1)
    cfg.test_evaluator = dict(type='VideoRetrievalMetric', topk=(1, 2),
                              orders=(0, 1))
    cfg.test_cfg = dict(type='TestLoop')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    torch.save(dict(state_dict=model.state_dict()), cfg.load_from)
    metrics = Runner.from_cfg(cfg).test()
    assert list(metrics) == [f'retrieval/{group}/R@{k}'
                             for group in ('order0', 'order1', 'orders0+1')
                             for k in (1, 2)]

    loader = Runner.build_dataloader(cfg.test_dataloader)
    model.eval()
    parts = {'query': ([], []), 'gallery': ([], [])}
    with torch.no_grad():
        for batch in loader:
            for sample in model.test_step(batch):
                features, labels = parts[sample.retrieval_role]
                features.append(sample.feature)
                labels.append(sample.gt_label.item())
    (query, query_labels), (gallery, gallery_labels) = (
        (torch.stack(f), torch.tensor(labels)) for f, labels in parts.values())
    width = query.shape[1] // 2
    assert width == 64  # the thin R3D-18's channels, one block per order
    for group, columns in (('order0', slice(0, width)),
                           ('order1', slice(width, None)),
                           ('orders0+1', slice(None))):
        expected = retrieval_recall(query[:, columns], query_labels,
                                    gallery[:, columns], gallery_labels, (1, 2))
        for k, value in expected.items():
            assert metrics[f'retrieval/{group}/{k}'] == pytest.approx(value)

    # the model's blocks in another order than the metric's: a clear error,
    # not recalls named after the wrong blocks
    cfg.model.feature_orders = (1, 0)
    with pytest.raises(ValueError, match=r'features of orders \(1, 0\)'):
        Runner.from_cfg(cfg).test()


def test_second_test_reads_the_cache_not_the_videos(retrieval_setup, monkeypatch):
    cfg, _ = retrieval_setup
    first = Runner.from_cfg(cfg).test()
    cache = list((Path(cfg.work_dir) / 'feature_cache').glob('*.pth'))
    assert len(cache) == 1

    from mmvididi.datasets.transforms import video_decode

    def no_decoding(*args, **kwargs):
        raise AssertionError('a video was opened')

    monkeypatch.setattr(video_decode, 'open_video', no_decoding)
    assert Runner.from_cfg(cfg).test() == first

    # other weights: another key, decoding again
    monkeypatch.undo()
    state = torch.load(cfg.load_from, weights_only=True)['state_dict']
    state = {k: v + 1 if v.is_floating_point() else v
             for k, v in state.items()}
    torch.save(dict(state_dict=state), cfg.load_from)
    Runner.from_cfg(cfg).test()
    assert len(list(cache[0].parent.glob('*.pth'))) == 2


KNN = 'python tools/train.py configs/vididi_simclr_r3d_ucf101_knn.py'


def test_knn_monitor_reports_retrieval_while_pretraining(video_dir, tmp_path):
    """The README's kNN monitor command: validation is retrieval of the query
    videos among the gallery with the encoder being trained."""
    cfg = tiny_config('vididi_simclr_r3d_ucf101_knn.py', video_dir, tmp_path)
    lines = (video_dir / 'train.txt').read_text().splitlines()
    query = tmp_path / 'query.txt'
    query.write_text('\n'.join(lines[::2]) + '\n')
    loader = cfg.val_dataloader
    loader.update(batch_size=2, num_workers=0, persistent_workers=False)
    loader.dataset.update(query_ann_file=str(query),
                          gallery_ann_file=str(video_dir / 'train.txt'),
                          data_prefix=dict(video=str(video_dir)))
    for transform in loader.dataset.pipeline:
        if transform.type == 'SampleFrames':
            transform.clip_len = 4
        if transform.type == 'Resize':
            transform.scale = (-1, 32)
        if transform.type == 'CenterCrop':
            transform.crop_size = 32
    cfg.train_cfg.val_interval = 1
    work_dir = tmp_path / 'work'
    run_readme_command(KNN, '--work-dir', work_dir, '--cfg-options',
                       *cfg_options('vididi_simclr_r3d_ucf101_knn.py', cfg),
                       cwd=tmp_path)

    recall = logged(work_dir, 'retrieval/R@1')
    assert len(recall) == 2  # one validation an epoch
    assert all(r == 100.0 for r in recall)  # each query is in the gallery
    assert logged(work_dir, 'retrieval/R@10') == [100.0, 100.0]
    assert list(work_dir.glob('best_retrieval_R@1_epoch_*.pth'))
