from mmvididi.engine.hooks import (OrderPairScheduleHook, ProgressBarHook,
                                  TargetMomentumHook)
from mmvididi.engine.pair_schedule import BalancedPairSchedule

__all__ = ['BalancedPairSchedule', 'OrderPairScheduleHook', 'ProgressBarHook',
           'TargetMomentumHook']
