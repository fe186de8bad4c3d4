"""A non-finite loss skips the step; five in a row stop training, clearly."""
import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.runner import Runner

from mmvididi.engine import SkipNonFiniteOptimWrapper
from tests.tiny_configs import tiny_config


def test_a_nan_step_leaves_weights_and_optimizer_untouched():
    MessageHub.get_instance('non-finite-unit')
    model = torch.nn.Linear(3, 1)
    wrapper = SkipNonFiniteOptimWrapper(
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


def test_consecutive_non_finite_losses_stop_with_where_and_what(video_dir,
                                                                tmp_path):
    cfg = tiny_config('vididi_simclr_r3d_ucf101.py', video_dir, tmp_path,
                      epochs=4)
    cfg.optim_wrapper.max_consecutive = 3
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
