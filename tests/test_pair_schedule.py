"""The balanced alternating schedule and its hook's save / resume."""
from collections import Counter
from types import SimpleNamespace

import pytest
from mmengine.logging import MessageHub

from mmvididi.engine import BalancedPairSchedule, OrderPairScheduleHook
from mmvididi.models.recognizers.vididi_recognizer import default_pairs

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
    with pytest.raises(ValueError, match=r'not balanced.*add the reversed'):
        BalancedPairSchedule([(0, 1), (0, 2)])
    with pytest.raises(ValueError, match="mode='sometimes' is not one of"):
        BalancedPairSchedule(PAIRS, 'sometimes')


def fake_runner(model, iteration: int, seed: int, epoch: int = 0):
    return SimpleNamespace(model=model, iter=iteration, epoch=epoch, seed=seed,
                           message_hub=MessageHub.get_instance('pair-test'))


def run_hook(hook, runner, steps) -> list:
    hook.before_train(runner)
    active = []
    for step in steps:
        runner.iter = step
        hook.before_train_iter(runner, batch_idx=step)
        active.append(list(runner.model.active_pairs))
    return active


def test_hook_state_survives_save_and_resume_with_another_seed():
    model = SimpleNamespace(pairs=PAIRS, active_pairs=None)
    hook = OrderPairScheduleHook(mode='random')
    first = run_hook(hook, fake_runner(model, 0, seed=11), range(0, 8))
    checkpoint = {'meta': {}}
    hook.before_save_checkpoint(None, checkpoint)
    assert checkpoint['meta']['order_pair_schedule'] == dict(
        pairs=[list(p) for p in PAIRS], mode='random', seed=11)

    uninterrupted = run_hook(OrderPairScheduleHook(mode='random'),
                             fake_runner(model, 0, seed=11), range(8, 20))
    resumed_hook = OrderPairScheduleHook(mode='random')
    resumed_hook.after_load_checkpoint(None, checkpoint)
    resumed = run_hook(resumed_hook, fake_runner(model, 8, seed=99), range(8, 20))
    assert resumed == uninterrupted and first != resumed[:8]
    assert MessageHub.get_instance('pair-test').get_scalar(
        'train/order_a').current() == resumed[-1][0][0]


def test_resume_with_other_pairs_is_refused():
    model = SimpleNamespace(pairs=PAIRS, active_pairs=None)
    checkpoint = {'meta': {'order_pair_schedule': dict(
        pairs=[[0, 1], [1, 0]], mode='alternate', seed=0)}}
    hook = OrderPairScheduleHook()
    hook.after_load_checkpoint(None, checkpoint)
    with pytest.raises(ValueError, match='resume with the original model.pairs'):
        hook.before_train(fake_runner(model, 4, seed=0))
    # a checkpoint loaded as initial weights (iteration 0) is not a resume
    hook.before_train(fake_runner(model, 0, seed=0))
