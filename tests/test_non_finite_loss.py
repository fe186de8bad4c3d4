"""A non-finite loss skips the step; five in a row stop training, clearly; in
full and in mixed precision (--amp).

mmengine's AmpOptimWrapper refuses to be built without a GPU and makes a CUDA
GradScaler; ``CpuAmpStandIn`` runs its code (and ours) on the CPU with
``torch.amp.GradScaler('cpu')`` and bfloat16 autocast. tests/test_gpu.py
runs the real one on a GPU where one is visible."""
import functools
import importlib.util
from types import SimpleNamespace
from unittest import mock

import mmengine.optim.optimizer.amp_optimizer_wrapper as amp_module
import pytest
import torch
from mmaction.registry import OPTIM_WRAPPERS
from mmengine.logging import MessageHub
from mmengine.optim import AmpOptimWrapper, OptimWrapper
from mmengine.runner import Runner

from mmvididi.engine import (SkipNonFiniteAmpOptimWrapper,
                             SkipNonFiniteOptimWrapper)
from tests.tiny_configs import ROOT, tiny_config


@OPTIM_WRAPPERS.register_module(force=True)
class CpuAmpStandIn(SkipNonFiniteAmpOptimWrapper):
    """SkipNonFiniteAmpOptimWrapper with a CPU loss scaler, bfloat16."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault('dtype', 'bfloat16')
        with mock.patch.object(amp_module, 'is_cuda_available', return_value=True), \
                mock.patch.object(amp_module, 'GradScaler',
                                  functools.partial(torch.amp.GradScaler, 'cpu')):
            super().__init__(*args, **kwargs)


@pytest.mark.parametrize('wrapper_type', [SkipNonFiniteOptimWrapper,
                                          CpuAmpStandIn])
def test_a_nan_step_leaves_weights_and_optimizer_untouched(wrapper_type):
    MessageHub.get_instance('non-finite-unit')
    model = torch.nn.Linear(3, 1)
    wrapper = wrapper_type(
        torch.optim.AdamW(model.parameters(), lr=0.1), max_consecutive=3)
    x = torch.ones(4, 3)
    wrapper.update_params(model(x).sum())  # a real step: state exists
    before = {k: v.clone() for k, v in model.state_dict().items()}
    state = {k: v.clone() for k, v in
             wrapper.optimizer.state[model.weight].items()}

    wrapper.update_params(model(x).sum() * float('nan'))
    assert wrapper.skipped == 1 and wrapper.consecutive == 1
    for k, v in model.state_dict().items():
        assert torch.equal(v, before[k])
    for k, v in wrapper.optimizer.state[model.weight].items():
        assert torch.equal(v, state[k])
    assert model.weight.grad is None or not model.weight.grad.any()

    wrapper.update_params(model(x).sum())  # finite again: counter resets
    assert wrapper.consecutive == 0 and wrapper.skipped == 1
    assert not torch.equal(model.weight, before['weight'])


def test_under_amp_finite_steps_are_the_plain_ones_and_nan_leaves_the_scale():
    """The loss scale is a power of 2: the scaled, unscaled gradients and so
    the step equal those of the plain wrapper bitwise. A NaN loss is skipped
    before the scaler sees it: the scale stays."""
    MessageHub.get_instance('non-finite-amp')
    models = [torch.nn.Linear(3, 1) for _ in range(2)]
    models[1].load_state_dict(models[0].state_dict())
    amp = CpuAmpStandIn(torch.optim.SGD(models[0].parameters(), lr=0.1))
    plain = OptimWrapper(torch.optim.SGD(models[1].parameters(), lr=0.1))
    assert isinstance(amp, AmpOptimWrapper) and amp.loss_scaler.is_enabled()
    x = torch.ones(4, 3)
    for model, wrapper in ((models[0], amp), (models[1], plain)):
        wrapper.update_params(model(x).pow(2).sum())
    for a, b in zip(*(model.parameters() for model in models)):
        assert torch.equal(a, b)
    scale = amp.loss_scaler.get_scale()
    assert scale == 65536.0
    with amp.optim_context(models[0]):  # bfloat16 autocast, as in training
        loss = models[0](x).sum() * float('nan')
    amp.update_params(loss)
    assert amp.skipped == 1 and amp.loss_scaler.get_scale() == scale
    for a, b in zip(*(model.parameters() for model in models)):
        assert torch.equal(a, b)


def load_tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / 'tools' / name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('wrapper, amp_wrapper', [
    ('SkipNonFiniteOptimWrapper', 'SkipNonFiniteAmpOptimWrapper'),
    ('OptimWrapper', 'AmpOptimWrapper'),
])
def test_tools_train_amp_keeps_the_guard(wrapper, amp_wrapper, monkeypatch,
                                         tmp_path):
    train = load_tool('train.py')
    cfg = tiny_config('vididi_simclr_r3d_ucf101.py', tmp_path, tmp_path)
    cfg.optim_wrapper.type = wrapper
    if wrapper == 'OptimWrapper':
        cfg.optim_wrapper.pop('max_consecutive')
    args = SimpleNamespace(
        config='x.py', launcher='none', work_dir=None, no_validate=False,
        amp=True, resume=None, auto_scale_lr=False, seed=None,
        diff_rank_seed=False, deterministic=False, cfg_options=None)
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    cfg = train.merge_args(cfg, args)
    assert cfg.optim_wrapper.type == amp_wrapper
    assert cfg.optim_wrapper.loss_scale == 'dynamic'
    assert cfg.optim_wrapper.get('max_consecutive') == (
        5 if wrapper.startswith('Skip') else None)


@pytest.mark.parametrize('wrapper', ['SkipNonFiniteOptimWrapper', 'CpuAmpStandIn'])
def test_consecutive_non_finite_losses_stop_with_where_and_what(
        wrapper, video_dir, tmp_path):
    cfg = tiny_config('vididi_simclr_r3d_ucf101.py', video_dir, tmp_path,
                      epochs=4)
    cfg.optim_wrapper.update(type=wrapper, max_consecutive=3)
    runner = Runner.from_cfg(cfg)
    framework = runner.model.framework
    calls = []
    real_loss = framework.loss

    def loss_from_iteration_3(embed, a, b):
        calls.append(1)
        losses = real_loss(embed, a, b)
        if len(calls) >= 3:  # iterations 3, 4, 5 (one pair a step)
            losses['loss'] = losses['loss'] * float('inf')
        return losses

    framework.loss = loss_from_iteration_3
    with pytest.raises(FloatingPointError, match=r'3 training steps in a row '
                       r'had a non-finite loss, the last at iteration 5, order '
                       r'pairs \[\[1, 2\]\], loss terms \{.loss.: inf'):
        runner.train()
    assert runner.message_hub.get_scalar('train/skipped_steps').current() == 3
    for param in runner.model.parameters():
        assert torch.isfinite(param).all()
