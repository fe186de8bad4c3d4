from mmvididi.engine.hooks import OrderPairScheduleHook, TargetMomentumHook
from mmvididi.engine.pair_schedule import BalancedPairSchedule

__all__ = ['BalancedPairSchedule', 'OrderPairScheduleHook', 'TargetMomentumHook']
