"""The pair logic (mmvididi/pairs.py), and ViDiDiHook: schedule, save / resume,
found by type, present in every config."""
from collections import Counter
from types import SimpleNamespace

import pytest
from mmengine import Config
from mmengine.logging import MessageHub
from mmengine.runner import Runner

from mmvididi.engine import OrderPairScheduleHook, ViDiDiHook
from mmvididi.engine.hooks.vididi_hook import ORDER_A_SCALAR
from mmvididi.pairs import (BalancedPairSchedule, PairError, check_pairs,
                            default_pairs)
from tests.tiny_configs import ROOT, tiny_config

PAIRS = default_pairs((0, 1, 2))
WITH_SAME = PAIRS + [(0, 0)]


def test_default_pairs():
    assert PAIRS == [(0, 1), (1, 0), (0, 2), (2, 0), (1, 2), (2, 1)]
    assert default_pairs((0, )) == [(0, 0)]


@pytest.mark.parametrize('pairs', [PAIRS, WITH_SAME])
@pytest.mark.parametrize('mode', ['alternate', 'random'])
def test_every_cycle_is_balanced(pairs, mode):
    schedule = BalancedPairSchedule(pairs, mode, seed=3)
    n = len(pairs)
    steps = [schedule.pairs_at(i)[0] for i in range(10 * n)]
    for start in range(0, len(steps), n):
        cycle = steps[start:start + n]
        assert Counter(cycle) == Counter(pairs)  # each pair once
        orders = {o for pair in pairs for o in pair}
        for order in orders:  # each order as often on branch A as on B
            assert sum(a == order for a, _ in cycle) == \
                sum(b == order for _, b in cycle)
    if mode == 'alternate':  # any window of one cycle, not only aligned ones
        for start in range(len(steps) - n):
            assert Counter(steps[start:start + n]) == Counter(pairs)
    else:  # cycles are shuffled differently
        assert steps[:n] != steps[n:2 * n] or steps[n:2 * n] != steps[2 * n:3 * n]


def test_random_mode_depends_only_on_seed_and_step():
    a = BalancedPairSchedule(PAIRS, 'random', seed=7)
    b = BalancedPairSchedule(PAIRS, 'random', seed=7)
    assert [b.pairs_at(i) for i in range(30, 60)] == \
        [a.pairs_at(i) for i in range(30, 60)]
    c = BalancedPairSchedule(PAIRS, 'random', seed=8)
    assert [c.pairs_at(i) for i in range(60)] != [a.pairs_at(i) for i in range(60)]


def test_joint_and_epoch_modes():
    assert BalancedPairSchedule(PAIRS, 'joint').pairs_at(5) == PAIRS
    epoch = BalancedPairSchedule(PAIRS, 'epoch')
    assert [epoch.pairs_at(e) for e in range(7)] == [[p] for p in PAIRS + PAIRS[:1]]


def test_unbalanced_pairs_and_unknown_modes_are_refused():
    with pytest.raises(PairError, match=r'model.pairs=\[\(0, 1\), \(0, 2\)\] '
                       r'are not balanced: branch A holds orders \{0: 2\} and '
                       r'branch B \{1: 1, 2: 1\}; add the reversed pairs'):
        BalancedPairSchedule([(0, 1), (0, 2)])
    with pytest.raises(PairError, match="ViDiDiHook.mode='sometimes' is not one of"):
        BalancedPairSchedule(PAIRS, 'sometimes')
    with pytest.raises(PairError, match="ViDiDiHook.mode='sometimes'"):
        ViDiDiHook(mode='sometimes')  # when the config is built


@pytest.mark.parametrize('pairs, match', [
    (None, None),
    ([[0, 1], [1, 0], [0, 2], [2, 0]], None),
    ([(0, 1), (1, 0), (0, 2)], 'not balanced'),  # a model refuses it too
    ([], 'give a non-empty list'),
    ([(0, 1, 2)], r'not pairs: \[\(0, 1, 2\)\]'),
])
def test_one_check_for_model_and_schedule(pairs, match):
    if match is None:
        assert check_pairs(pairs, (0, 1, 2)) == (
            PAIRS if pairs is None else [tuple(p) for p in pairs])
        return
    with pytest.raises(PairError, match=match):
        check_pairs(pairs, (0, 1, 2))


class FakeModel:
    """What ViDiDiHook uses of a ViDiDiRecognizer."""

    def __init__(self, pairs):
        self.pairs = pairs
        self.active_pairs = None

    def set_active_pairs(self, pairs):
        self.active_pairs = pairs


def fake_runner(model, iteration: int, seed: int, epoch: int = 0, hooks=()):
    return SimpleNamespace(model=model, iter=iteration, epoch=epoch, seed=seed,
                           cfg=Config(), hooks=list(hooks),
                           message_hub=MessageHub.get_instance('pair-test'))


def run_hook(hook, runner, steps) -> list:
    runner.hooks.append(hook)
    hook.before_run(runner)
    hook.before_train(runner)
    active = []
    for step in steps:
        runner.iter = step
        hook.before_train_iter(runner, batch_idx=step)
        active.append(list(runner.model.active_pairs))
    return active


def test_hook_state_survives_save_and_resume_with_another_seed():
    model = FakeModel(PAIRS)
    hook = ViDiDiHook(mode='random')
    first = run_hook(hook, fake_runner(model, 0, seed=11), range(0, 8))
    checkpoint = {'meta': {}}
    hook.before_save_checkpoint(None, checkpoint)
    assert checkpoint['meta']['order_pair_schedule'] == dict(
        pairs=[list(p) for p in PAIRS], mode='random', seed=11)

    uninterrupted = run_hook(ViDiDiHook(mode='random'),
                             fake_runner(model, 0, seed=11), range(8, 20))
    resumed_hook = ViDiDiHook(mode='random')
    resumed_hook.after_load_checkpoint(None, checkpoint)
    resumed = run_hook(resumed_hook, fake_runner(model, 8, seed=99), range(8, 20))
    assert resumed == uninterrupted and first != resumed[:8]
    assert MessageHub.get_instance('pair-test').get_scalar(
        ORDER_A_SCALAR).current() == resumed[-1][0][0]


def test_resume_with_other_pairs_is_refused():
    model = FakeModel(PAIRS)
    checkpoint = {'meta': {'order_pair_schedule': dict(
        pairs=[[0, 1], [1, 0]], mode='alternate', seed=0)}}
    hook = ViDiDiHook()
    hook.before_run(fake_runner(model, 4, seed=0, hooks=[hook]))
    hook.after_load_checkpoint(None, checkpoint)
    with pytest.raises(PairError, match='resume with the original model.pairs '
                       'and default_hooks.pair_schedule.mode'):
        hook.before_train(fake_runner(model, 4, seed=0))
    # a checkpoint loaded as initial weights (iteration 0) is not a resume
    hook.before_train(fake_runner(model, 0, seed=0))


def test_the_former_name_is_the_same_hook():
    from mmaction.registry import HOOKS
    assert OrderPairScheduleHook is ViDiDiHook
    assert HOOKS.get('OrderPairScheduleHook') is HOOKS.get('ViDiDiHook') is \
        ViDiDiHook


def test_every_config_has_the_hook_where_custom_hooks_cannot_drop_it():
    """A user's ``custom_hooks = [...]`` replaces the list; the schedule is
    not in it."""
    for path in sorted((ROOT / 'configs').rglob('*.py')):
        if '_base_' in path.parts:
            continue
        cfg = Config.fromfile(path)
        assert cfg.default_hooks.pair_schedule.type == 'ViDiDiHook', path
        assert all(hook.type not in ('ViDiDiHook', 'OrderPairScheduleHook')
                   for hook in cfg.get('custom_hooks', [])), path


def test_a_second_schedule_hook_is_refused_before_the_run(video_dir, tmp_path):
    cfg = tiny_config('vididi_simclr_r3d_ucf101.py', video_dir, tmp_path)
    cfg.custom_hooks = [dict(type='OrderPairScheduleHook', mode='random')]
    runner = Runner.from_cfg(cfg)
    with pytest.raises(ValueError, match=r'2 pair-schedule hooks .* remove the '
                       r'one in custom_hooks and set its mode with '
                       r'default_hooks.pair_schedule.mode'):
        runner.train()
    assert runner.iter == 0


def test_a_vididi_model_without_the_schedule_refuses_to_train(video_dir,
                                                              tmp_path):
    """E.g. a Runner built in Python without the project's default_hooks."""
    cfg = tiny_config('vididi_simclr_r3d_ucf101.py', video_dir, tmp_path)
    cfg.default_hooks.pop('pair_schedule')
    runner = Runner.from_cfg(cfg)
    with pytest.raises(PairError, match=r'need a schedule, and no ViDiDiHook has '
                       r"set the active pairs. Add the hook to the config: "
                       r"default_hooks = dict\(pair_schedule=dict\("
                       r"type='ViDiDiHook'"):
        runner.train()
    assert not list(tmp_path.glob('*.pth'))


def test_byol_without_its_momentum_hook_is_refused(video_dir, tmp_path):
    cfg = tiny_config('vididi_byol_r3d_ucf101.py', video_dir, tmp_path)
    cfg.custom_hooks = []  # a user's list that forgot it
    with pytest.raises(ValueError, match=r"add custom_hooks = \[dict\(type="
                       r"'TargetMomentumHook'\)\]"):
        Runner.from_cfg(cfg).train()


def test_the_benchmark_sets_the_mode_by_name(video_dir, tmp_path):
    cfg = tiny_config('vididi_simclr_r3d_ucf101.py', video_dir, tmp_path,
                      epochs=1)
    cfg.merge_from_dict({'default_hooks.pair_schedule.mode': 'joint'})
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.model.active_pairs == PAIRS
