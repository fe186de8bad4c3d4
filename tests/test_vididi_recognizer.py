"""ViDiDiRecognizer and its frameworks, built from the project's configs."""
import copy

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope

from mmvididi.pairs import PairError
from tests.tiny_configs import FRAMEWORKS, build_model, tiny_config


@pytest.mark.parametrize('framework', FRAMEWORKS)
def test_loss_decreases_on_a_repeated_batch(framework, one_batch, video_dir,
                                            tmp_path):
    model = build_model(framework, video_dir, tmp_path)
    model.set_active_pairs(model.pairs)  # every pair at every step: comparable
    optim = OptimWrapper(torch.optim.AdamW(model.parameters(), lr=2e-3))
    losses = [model.train_step(one_batch, optim)['loss'].item()
              for _ in range(12)]
    assert all(torch.isfinite(torch.tensor(losses)))
    assert losses[-1] < 0.8 * losses[0], losses


@pytest.mark.parametrize('framework', FRAMEWORKS)
def test_each_active_pair_feeds_view_1_and_view_2_in_its_orders(
        framework, one_batch, video_dir, tmp_path, monkeypatch):
    model = build_model(framework, video_dir, tmp_path)
    data = model.data_preprocessor(one_batch, True)
    seen = []
    monkeypatch.setattr(model.framework, 'loss', lambda embed, a, b: seen.append(
        (a, b)) or dict(loss=embed(a).sum() * 0))

    model.set_active_pairs([(2, 0), (0, 1)])
    model(**data, mode='loss')

    inputs = data['inputs']
    assert len(seen) == 2
    assert torch.equal(seen[0][0], inputs[2][:, 0])
    assert torch.equal(seen[0][1], inputs[0][:, 1])
    assert torch.equal(seen[1][0], inputs[0][:, 0])
    assert torch.equal(seen[1][1], inputs[1][:, 1])


def test_baseline_twin_trains_frames_against_frames(one_batch, video_dir,
                                                    tmp_path):
    model = build_model('simclr', video_dir, tmp_path, orders=(0, ))
    assert model.pairs == [(0, 0)] and model.data_preprocessor.orders == (0, )
    data = model.data_preprocessor(one_batch, True)
    assert list(data['inputs']) == [0]
    assert torch.isfinite(model(**data, mode='loss')['loss'])


def test_tensor_and_predict_modes(one_batch, video_dir, tmp_path):
    model = build_model('simclr', video_dir, tmp_path).eval()
    data = model.data_preprocessor(one_batch, False)
    with torch.no_grad():
        assert model(**data, mode='tensor').shape == (4, 32)
        samples = model(**data, mode='predict')
    assert samples[0].feature.shape == (64, )  # pooled backbone channels


@pytest.mark.parametrize('pairs, match', [
    ([(0, 1), (1, 3)], r'pairs with other orders: \[\(1, 3\)\]'),
    ([(0, 1), (1, 0)], r'orders in no pair: \[2\]'),
    ([(0, 1), (0, 1), (1, 0), (2, 0)], 'must be distinct'),
    ([(0, 1), (1, 2), (2, 1)], 'not balanced'),
])
def test_bad_pairs_are_refused_when_built(pairs, match, video_dir, tmp_path):
    with pytest.raises(PairError, match=r'^model.pairs=.*' + match):
        build_model('simclr', video_dir, tmp_path, pairs=pairs)


def test_active_pairs_are_set_by_name_and_checked(video_dir, tmp_path):
    model = build_model('simclr', video_dir, tmp_path)
    assert model.active_pairs is None  # until the schedule sets them
    model.set_active_pairs([[1, 2]])
    assert model.active_pairs == [(1, 2)]
    with pytest.raises(PairError, match=r'give some of model.pairs=.*; not '
                       r'among them: \[\(0, 0\)\]'):
        model.set_active_pairs([(0, 0)])
    with pytest.raises(AttributeError):
        model.active_pairs = [(0, 1)]  # the method is the contract


def test_the_loss_report_names_pairs_and_terms(one_batch, video_dir, tmp_path):
    from mmengine.logging import MessageHub

    from mmvididi.utils.loss_report import last_loss_report
    MessageHub.get_instance('loss-report-test')
    model = build_model('vicreg', video_dir, tmp_path)
    model.set_active_pairs([(2, 1)])
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.0))
    log_vars = model.train_step(one_batch, optim)
    report = last_loss_report()
    assert report['pairs'] == [[2, 1]]
    assert report['terms'].keys() == log_vars.keys()
    assert report['terms']['loss'] == pytest.approx(log_vars['loss'].item())


def test_one_view_is_refused(one_batch, video_dir, tmp_path):
    model = build_model('simclr', video_dir, tmp_path)
    data = model.data_preprocessor(one_batch, True)
    data['inputs'] = {o: x[:, :1] for o, x in data['inputs'].items()}
    with pytest.raises(ValueError, match=r'MultiView\(num_views=2\)'):
        model(**data, mode='loss')


@pytest.mark.parametrize('framework', FRAMEWORKS)
def test_bn_per_branch_normalises_each_order_in_its_own_batch(
        framework, one_batch, video_dir, tmp_path):
    """Derivatives live on another scale than frames. In one batch of both
    branches, batch norm's statistics mix the two and the embeddings tell the
    branches apart by scale; with ``bn_per_branch`` each branch is a batch of
    its own, so a branch that is the other times 10 embeds as the other
    (R3D's first convolution has no bias: its output scales by 10 too, and
    batch norm divides that out). The loss (BYOL's target network too) sees
    the same: a pair (x, 10 x) costs what (x, x) costs."""
    cfg = tiny_config(f'vididi_{framework}_r3d_ucf101.py', video_dir, tmp_path)
    init_default_scope('mmaction')
    torch.manual_seed(0)
    # the shipped default: on for BYOL, which collapses without it
    assert cfg.model.framework.get('bn_per_branch', False) is (
        framework == 'byol')
    cfg.model.framework.bn_per_branch = False  # the config option
    model = MODELS.build(cfg.model)
    assert model.framework.bn_per_branch is False
    clips = model.data_preprocessor(one_batch, True)['inputs'][0][:, 0]
    sizes = []

    def embed(x):
        sizes.append(x.shape[0])
        return model.embed(x)

    model.train()
    with torch.no_grad():
        z_a, z_b = model.framework.embed_pair(embed, clips, 10 * clips)
        assert sizes == [2 * len(clips)]
        assert not torch.allclose(z_a, z_b, atol=1e-2)

        model.framework.bn_per_branch = True
        sizes.clear()
        z_a, z_b = model.framework.embed_pair(embed, clips, 10 * clips)
        assert sizes == [len(clips)] * 2
        torch.testing.assert_close(z_a, z_b, rtol=1e-2, atol=1e-3)
        torch.testing.assert_close(
            model.framework.loss(model.embed, clips, 10 * clips)['loss'],
            model.framework.loss(model.embed, clips, clips)['loss'],
            rtol=1e-2, atol=1e-3)


def test_byol_target_follows_the_ema_rule(one_batch, video_dir, tmp_path):
    model = build_model('byol', video_dir, tmp_path)
    byol = model.framework
    online = dict(model.backbone.named_parameters(prefix='backbone'))
    online.update(model.neck.named_parameters(prefix='neck'))
    for name, param in byol.target.named_parameters():
        assert torch.equal(param, online[name])  # starts as a copy
        assert not param.requires_grad

    model.set_active_pairs(model.pairs)
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.5))
    model.train_step(one_batch, optim)  # online moves, target still equal
    old_target = copy.deepcopy(dict(byol.target.named_parameters()))
    online_now = {k: v.detach().clone() for k, v in online.items()}
    predictor = byol.predictor.mlp[0].weight.detach().clone()
    byol.momentum = 0.9
    model.train_step(one_batch, optim)  # EMA first, then the step

    moved = 0
    for name, param in byol.target.named_parameters():
        expected = 0.9 * old_target[name] + 0.1 * online_now[name]
        torch.testing.assert_close(param, expected, rtol=1e-6, atol=1e-7)
        moved += not torch.equal(param, old_target[name])
    assert moved > 0
    assert not torch.equal(byol.predictor.mlp[0].weight, predictor)  # trained


@pytest.mark.parametrize('backbone, channels', [
    (dict(type='ResNet2Plus1d', depth=18, pretrained=None, pretrained2d=False,
          conv_cfg=dict(type='Conv2plus1d'), base_channels=8,
          norm_cfg=dict(type='BN3d', requires_grad=True, eps=1e-3),
          conv1_kernel=(3, 7, 7), conv1_stride_t=1, pool1_stride_t=1,
          spatial_strides=(1, 2, 2, 2), temporal_strides=(1, 2, 2, 2),
          inflate=(1, 1, 1, 1), zero_init_residual=False), 64),
    (dict(type='X3D', gamma_w=1, gamma_b=2.25, gamma_d=2.2), 432),
])
def test_other_mmaction_backbones_train(backbone, channels, one_batch,
                                        video_dir, tmp_path):
    model = build_model('vicreg', video_dir, tmp_path, backbone=backbone,
                        neck=dict(type='MLPProjector', in_channels=channels,
                                  hidden_channels=32, out_channels=32,
                                  num_layers=3))
    model.set_active_pairs([(0, 1)])
    optim = OptimWrapper(torch.optim.AdamW(model.parameters(), lr=1e-3))
    assert torch.isfinite(model.train_step(one_batch, optim)['loss'])


def test_r2plus1d_config_builds(video_dir, tmp_path):
    cfg = tiny_config('vididi_simclr_r2plus1d_ucf101.py', video_dir, tmp_path)
    init_default_scope('mmaction')
    model = MODELS.build(cfg.model)
    assert type(model.backbone).__name__ == 'ResNet2Plus1d'


def test_channels_last_changes_results_by_rounding_only(one_batch, video_dir,
                                                        tmp_path):
    """Loss and gradients in channels_last_3d against a float64 reference.

    The loss agrees to float32 rounding. conv1's weight gradient is a sum over
    every input position with cancellation; its float32 error depends on the
    batch and on the order the CPU's kernels accumulate in: 6e-6 (contiguous)
    and 1.5e-5 (channels_last) here on this seeded batch, up to 7e-3 on others.
    Both layouts are bounded at 1e-3 of the float64 reference."""
    standard = build_model('simclr', video_dir, tmp_path, channels_last=False)
    fast = build_model('simclr', video_dir, tmp_path, channels_last=True)
    exact = build_model('simclr', video_dir, tmp_path, channels_last=False).double()
    for model in (fast, exact):
        model.load_state_dict(standard.state_dict())
    for model in (standard, fast, exact):
        model.set_active_pairs(model.pairs)
    assert fast.backbone.conv1.conv.weight.is_contiguous(
        memory_format=torch.channels_last_3d)
    results = []
    for model in (standard, fast, exact):
        data = model.data_preprocessor(one_batch, True)
        dtype = next(model.parameters()).dtype
        data['inputs'] = {o: x.to(dtype) for o, x in data['inputs'].items()}
        loss = model(**data, mode='loss')['loss']
        loss.backward()
        results.append((loss.item(),
                        model.backbone.conv1.conv.weight.grad.double()))
    (loss_std, grad_std), (loss_fast, grad_fast), (loss_ref, grad_ref) = results
    assert loss_fast == pytest.approx(loss_ref, rel=1e-5)
    assert loss_std == pytest.approx(loss_ref, rel=1e-5)

    def error(grad):
        return ((grad - grad_ref).norm() / grad_ref.norm()).item()

    assert error(grad_std) < 1e-3 and error(grad_fast) < 1e-3


def test_reversed_negatives_are_branch_b_played_backwards(
        one_batch, video_dir, tmp_path, monkeypatch):
    """For a pair (a, b) the framework gets branch B's clips reversed in time
    (order 1 also negated) as negatives; without the option it gets none."""
    from mmvididi.derivatives import time_reversed
    model = build_model('simclr', video_dir, tmp_path, reversed_negatives=True)
    data = model.data_preprocessor(one_batch, True)
    seen = []
    monkeypatch.setattr(
        model.framework, 'loss', lambda embed, a, b, **kw: seen.append(kw) or
        dict(loss=embed(a).sum() * 0))
    model.set_active_pairs([(2, 0), (0, 1)])
    model(**data, mode='loss')
    inputs = data['inputs']
    assert torch.equal(seen[0]['negatives'], inputs[0][:, 1].flip(2))
    assert torch.equal(seen[1]['negatives'], -inputs[1][:, 1].flip(2))
    assert torch.equal(seen[1]['negatives'],
                       time_reversed(inputs[1][:, 1], 1, time_dim=2))

    seen.clear()
    plain = build_model('simclr', video_dir, tmp_path)
    monkeypatch.setattr(
        plain.framework, 'loss', lambda embed, a, b, **kw: seen.append(kw) or
        dict(loss=embed(a).sum() * 0))
    plain.set_active_pairs([(0, 1)])
    plain(**data, mode='loss')
    assert seen == [{}]


def test_reversed_negatives_join_the_simclr_loss(one_batch, video_dir,
                                                 tmp_path):
    """The pair's loss is NT-Xent of the two branches with the reversed
    branch-B embeddings as extra negatives, all embedded in one batch."""
    from mmvididi.derivatives import time_reversed
    from mmvididi.models.losses import nt_xent_loss
    model = build_model('simclr', video_dir, tmp_path, reversed_negatives=True)
    data = model.data_preprocessor(one_batch, True)
    model.set_active_pairs([(0, 1)])
    model.train()
    a, b = data['inputs'][0][:, 0], data['inputs'][1][:, 1]
    with torch.no_grad():
        got = model(**data, mode='loss')['loss']
        z_a, z_b, z_n = model.embed(
            torch.cat([a, b, time_reversed(b, 1, time_dim=2)])).chunk(3)
        expected = nt_xent_loss(z_a, z_b, model.framework.temperature, z_n)
        without = nt_xent_loss(z_a, z_b, model.framework.temperature)
    torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-5)
    assert got > without  # more negatives, a larger loss


@pytest.mark.parametrize('framework, name', [('byol', 'BYOL'),
                                             ('vicreg', 'VICReg')])
def test_reversed_negatives_need_a_framework_with_negatives(
        framework, name, video_dir, tmp_path):
    with pytest.raises(ValueError, match=r'model.reversed_negatives=True needs '
                       r'a framework with negatives \(SimCLR\); '
                       f'{name} has none: set '
                       r'model.reversed_negatives=False.'):
        build_model(framework, video_dir, tmp_path, reversed_negatives=True)
