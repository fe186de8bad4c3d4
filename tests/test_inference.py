"""mmvididi.apis: init_model and extract_video_features give the features of the
Runner's test road; their errors name what is wrong; tools/extract_features.py
as the README runs it."""
import copy
import importlib.util

import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from mmvididi.apis import VideoLoadError, extract_video_features, init_model
from mmvididi.utils.cli import USER_ERROR_STATUS
from tests.readme import cfg_options, run_readme_command
from tests.tiny_configs import ROOT, tiny_config, tiny_retrieval_config

EXTRACT = ('python tools/extract_features.py configs/retrieval/'
           'vididi_r3d_ucf101_split1.py CHECKPOINT VIDEOS --out features.npz')


@pytest.fixture(scope='module')
def retrieval(video_dir, tmp_path_factory):
    """The tiny retrieval config (queries: one video a class, gallery: all),
    a seeded model of it and its training checkpoint."""
    tmp = tmp_path_factory.mktemp('inference')
    lines = (video_dir / 'train.txt').read_text().splitlines()
    (tmp / 'query.txt').write_text('\n'.join(lines[::2]) + '\n')
    checkpoint = tmp / 'epoch_2.pth'
    cfg = tiny_retrieval_config(video_dir, tmp / 'work', checkpoint,
                                tmp / 'query.txt', video_dir / 'train.txt')
    init_default_scope('mmaction')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    torch.save(dict(state_dict=model.state_dict(), meta=dict(epoch=2)), checkpoint)
    videos = [video_dir / line.split()[0] for line in lines]
    return cfg, model, checkpoint, videos


def runner_test_features(cfg, model) -> torch.Tensor:
    """The gallery features as the test loop computes them."""
    features = []
    model.eval()
    with torch.no_grad():
        for batch in Runner.build_dataloader(cfg.test_dataloader):
            features += [s.feature for s in model.test_step(batch)
                         if s.retrieval_role == 'gallery']
    return torch.stack(features)


def test_init_model_loads_the_checkpoint(retrieval):
    cfg, reference, checkpoint, _ = retrieval
    before = cfg.to_dict()
    model = init_model(cfg, checkpoint)
    assert not model.training and model.cfg.to_dict() == before
    assert cfg.to_dict() == before  # the caller's config is untouched
    state = model.state_dict()
    for key, value in reference.state_dict().items():
        assert torch.equal(state[key], value), key


def test_features_are_those_of_the_test_loop(retrieval):
    cfg, reference, checkpoint, videos = retrieval
    model = init_model(cfg, checkpoint)
    features = extract_video_features(model, videos, batch_size=3)  # 3 + 1
    assert features.shape == (4, 64) and features.dtype == torch.float32
    torch.testing.assert_close(features, runner_test_features(cfg, reference),
                               atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(features.norm(dim=1), torch.ones(4))


def test_checkpoints_that_do_not_fit_are_refused(retrieval, tmp_path):
    cfg, reference, _, _ = retrieval
    backbone = {k[len('backbone.'):]: v for k, v in
                reference.state_dict().items() if k.startswith('backbone.')}
    torch.save(dict(state_dict=backbone), tmp_path / 'backbone.pth')
    with pytest.raises(ValueError, match=r'backbone\.pth does not fit the model: '
                       r'.* weights are missing.* converted MMAction2 backbone'):
        init_model(cfg, tmp_path / 'backbone.pth')

    wider = copy.deepcopy(cfg)
    wider.model.backbone.base_channels = 16
    wider.model.neck.in_channels = 128
    torch.save(dict(state_dict=MODELS.build(wider.model).state_dict()),
               tmp_path / 'wider.pth')
    with pytest.raises(ValueError, match=r'wider\.pth does not fit the model: '
                       r'.* other shapes, e\.g\. \[.backbone\.conv1'):
        init_model(cfg, tmp_path / 'wider.pth')
    with pytest.raises(FileNotFoundError, match='nowhere.py does not exist'):
        init_model(tmp_path / 'nowhere.py')


def test_missing_and_broken_videos_are_named(retrieval, tmp_path):
    cfg, _, checkpoint, videos = retrieval
    model = init_model(cfg, checkpoint)
    with pytest.raises(FileNotFoundError,
                       match=r'1 of the 2 videos do not exist: .*nowhere\.mp4'):
        extract_video_features(model, [videos[0], tmp_path / 'nowhere.mp4'])
    broken = tmp_path / 'broken.mp4'
    broken.write_bytes(b'not a video at all' * 100)
    with pytest.raises(VideoLoadError, match=r'cannot load video .*broken\.mp4: '):
        extract_video_features(model, [videos[0], broken])


def test_a_config_without_a_test_pipeline_is_refused(video_dir, tmp_path):
    cfg = tiny_config('vididi_simclr_r3d_ucf101.py', video_dir, tmp_path)
    model = init_model(cfg)
    with pytest.raises(ValueError, match='no test_dataloader .* configs/retrieval/'):
        extract_video_features(model, [video_dir / 'ClassA/v_ClassA_g01_c01.avi'])


def load_tool():
    spec = importlib.util.spec_from_file_location(
        'extract_features', ROOT / 'tools' / 'extract_features.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pt_output(tmp_path):
    tool = load_tool()
    names = ['ClassA/v_ClassA_g01_c01.avi', 'ClassB/clip_000001_000011.mp4']
    tool.save(tmp_path / 'f.pt', torch.ones(2, 3), names)
    saved = torch.load(tmp_path / 'f.pt')
    assert saved['videos'] == names and torch.equal(saved['features'],
                                                    torch.ones(2, 3))


def test_the_tool_names_what_is_wrong_in_one_line(
        retrieval, video_dir, tmp_path, monkeypatch, capsys):
    cfg, _, checkpoint, _ = retrieval
    config = tmp_path / 'retrieval.py'
    cfg.dump(config)
    tool = load_tool()
    for args, message in [
            ([config, tmp_path / 'nowhere.pth', video_dir],
             f'error: checkpoint {tmp_path}/nowhere.pth does not exist'),
            ([tmp_path / 'nowhere.py', checkpoint, video_dir],
             f'error: config file {tmp_path}/nowhere.py does not exist'),
            ([config, checkpoint, tmp_path / 'none'],
             f'error: {tmp_path}/none is neither a folder of videos nor')]:
        monkeypatch.setattr('sys.argv', ['extract_features.py', *map(str, args),
                                         '--out', str(tmp_path / 'f.npz')])
        with pytest.raises(SystemExit) as exit_:
            tool.main()
        said = capsys.readouterr().err
        assert exit_.value.code == USER_ERROR_STATUS
        assert said.startswith(message) and said.strip().count('\n') == 0
    assert not (tmp_path / 'f.npz').exists()


def test_readme_extract_features_command(retrieval, video_dir, tmp_path):
    cfg, _, checkpoint, videos = retrieval
    out = tmp_path / 'features.npz'
    result = run_readme_command(
        EXTRACT, '--cfg-options',
        *cfg_options('retrieval/vididi_r3d_ucf101_split1.py', cfg),
        replace={'CHECKPOINT': checkpoint, 'VIDEOS': video_dir,
                 'features.npz': out}, cwd=tmp_path)
    assert f'wrote {out}: 4 videos x 64 features' in result.stdout
    saved = np.load(out)
    names = sorted(str(v.relative_to(video_dir)) for v in videos)
    assert saved['videos'].tolist() == names
    expected = extract_video_features(init_model(cfg, checkpoint),
                                      [video_dir / name for name in names])
    np.testing.assert_allclose(saved['features'], expected.numpy(), atol=1e-5)
