"""A checkpoint trained on clips prepared otherwise than the model prepares
them (mmvididi.utils.preprocessing_match): found from the run's config that
mmengine keeps in the checkpoint, warned about by CheckpointFitHook and
init_model, with --cfg-options that make the two agree."""
import argparse
import copy
import warnings
from types import SimpleNamespace

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope

import mmvididi.engine.hooks.checkpoint_fit_hook as hook_module
from mmvididi.apis import init_model
from mmvididi.engine.hooks import CheckpointFitHook
from mmvididi.utils.preprocessing_match import (preprocessing_mismatch,
                                                trained_preprocessor_cfg)
from tests.tiny_configs import ROOT

CONFIG = ROOT / 'configs/synthetic_motion/vididi_simclr_r3d_tiny.py'
STABILISED = dict(model='similarity', stabilize=True)


def model_of(cfg: Config):
    init_default_scope('mmaction')
    return MODELS.build(cfg.model)


def with_preprocessor(**arguments) -> Config:
    cfg = Config.fromfile(CONFIG)
    cfg.model.data_preprocessor = dict(type='ViDiDiDataPreprocessor',
                                       **arguments)
    return cfg


def command_line(items):
    """--cfg-options items as tools/test.py parses them."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(['--cfg-options', *items]).cfg_options


@pytest.mark.parametrize('trained', [
    dict(type='ViDiDiDataPreprocessor'),
    dict(type='ViDiDiDataPreprocessor', derivative_norm='clip_rms',
         mean=(123.675, 116.28, 103.53), motion_compensation='none',
         static_frame_mix=dict(prob=1.0)),  # training-only: not compared
])
def test_the_same_preparation_needs_nothing(trained):
    assert preprocessing_mismatch(trained, model_of(Config.fromfile(CONFIG))) \
        == []


@pytest.mark.parametrize('trained, current', [
    (dict(motion_compensation=STABILISED), dict()),
    (dict(), dict(motion_compensation=STABILISED)),
    (dict(motion_compensation='similarity'), dict(motion_compensation=STABILISED)),
    (dict(motion_compensation=dict(STABILISED, crop_margin=0.1)),
     dict(motion_compensation=STABILISED)),
    (dict(derivative_norm='std', derivative_scale={1: 0.5}), dict()),
    (dict(derivative_norm='std', derivative_scale={1: 0.5}),
     dict(derivative_norm='std', derivative_scale={2: 0.25})),
    (dict(derivative_norm='std'),
     dict(derivative_norm='std', derivative_scale={1: 0.5})),
    (dict(), dict(derivative_norm='std', derivative_scale={1: 0.5})),
    (dict(mean=(0.0, 0.0, 0.0), min_rms=2.0), dict()),
    # a scale the run ignored (clip_rms): the run's warning is not repeated
    (dict(derivative_scale={1: 0.5}), dict(derivative_norm='std')),
])
def test_the_fixes_make_the_model_prepare_clips_as_in_training(trained,
                                                               current):
    trained_cfg = dict(type='ViDiDiDataPreprocessor', **trained)
    cfg = with_preprocessor(**current)
    model = model_of(cfg)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        fixes = preprocessing_mismatch(trained_cfg, model)
    assert fixes and all(
        fix.startswith('model.data_preprocessor.') for fix in fixes)
    cfg.merge_from_dict(command_line(fixes))
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # the fixes leave nothing to ignore
        assert preprocessing_mismatch(trained_cfg, model_of(cfg)) == []
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # the run's own ignored scale
        trained_settings = MODELS.build(trained_cfg).evaluation_settings()
    assert model_of(cfg).data_preprocessor.evaluation_settings() == \
        trained_settings


def test_the_stabilised_run_gives_its_options_one_by_one():
    fixes = preprocessing_mismatch(
        dict(type='ViDiDiDataPreprocessor', motion_compensation=STABILISED),
        model_of(Config.fromfile(CONFIG)))
    assert 'model.data_preprocessor.motion_compensation.model=similarity' in \
        fixes
    assert 'model.data_preprocessor.motion_compensation.stabilize=True' in fixes
    fixes = preprocessing_mismatch(
        dict(type='ViDiDiDataPreprocessor'),
        model_of(with_preprocessor(motion_compensation=STABILISED)))
    assert fixes == ['model.data_preprocessor.motion_compensation=none']


def test_other_preprocessors_are_not_compared():
    recognizer = SimpleNamespace(data_preprocessor=torch.nn.Identity())
    assert preprocessing_mismatch(dict(type='ViDiDiDataPreprocessor'),
                                  recognizer) == []
    assert preprocessing_mismatch(dict(type='ActionDataPreprocessor'),
                                  model_of(Config.fromfile(CONFIG))) == []
    assert preprocessing_mismatch(None, model_of(Config.fromfile(CONFIG))) == []


def test_the_runs_preprocessor_comes_from_the_checkpoints_meta():
    cfg = with_preprocessor(motion_compensation=STABILISED)
    checkpoint = dict(state_dict={}, meta=dict(cfg=cfg.pretty_text))
    assert trained_preprocessor_cfg(checkpoint) == dict(
        type='ViDiDiDataPreprocessor', motion_compensation=STABILISED)
    assert trained_preprocessor_cfg(dict(state_dict={})) is None
    assert trained_preprocessor_cfg(dict(meta=dict(cfg='model = ('))) is None
    assert trained_preprocessor_cfg(torch.zeros(1)) is None


def saved(tmp_path, cfg: Config):
    """A checkpoint of ``cfg``'s model with its run config, as mmengine's
    CheckpointHook writes one."""
    path = tmp_path / 'stabilised.pth'
    torch.save(dict(state_dict=model_of(cfg).state_dict(),
                    meta=dict(cfg=cfg.pretty_text, epoch=1)), path)
    return path


def test_the_hook_warns_with_the_fix(tmp_path, monkeypatch):
    trained = with_preprocessor(motion_compensation=STABILISED)
    checkpoint = torch.load(saved(tmp_path, trained))
    said = []
    monkeypatch.setattr(hook_module, 'print_log',
                        lambda message, **kwargs: said.append(message))
    for cfg in (Config.fromfile(CONFIG), copy.deepcopy(trained)):
        cfg.load_from = 'stabilised.pth'
        runner = SimpleNamespace(cfg=cfg, model=model_of(cfg),
                                 work_dir=str(tmp_path))
        CheckpointFitHook().after_load_checkpoint(runner, checkpoint)
    assert len(said) == 1  # the plain model, not the stabilised one
    assert said[0].startswith('checkpoint stabilised.pth was trained on clips '
                              'prepared otherwise')
    assert 'model.data_preprocessor.motion_compensation.stabilize=True' in \
        said[0]


def test_init_model_warns_with_the_fix(tmp_path):
    path = saved(tmp_path, with_preprocessor(motion_compensation=STABILISED))
    with pytest.warns(UserWarning, match=r'stabilised\.pth was trained on '
                      r'clips prepared otherwise.*stabilize=True'):
        init_model(CONFIG, path)
    options = command_line([
        'model.data_preprocessor.motion_compensation.model=similarity',
        'model.data_preprocessor.motion_compensation.stabilize=True'])
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        model = init_model(CONFIG, path, cfg_options=options)
    assert model.data_preprocessor.motion_compensation.stabilize
