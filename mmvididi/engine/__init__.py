from mmvididi.engine.feature_cache_test_loop import FeatureCacheTestLoop
from mmvididi.engine.hooks import (OrderPairScheduleHook, ProgressBarHook,
                                  TargetMomentumHook)
from mmvididi.engine.pair_schedule import BalancedPairSchedule

__all__ = ['BalancedPairSchedule', 'FeatureCacheTestLoop',
           'OrderPairScheduleHook', 'ProgressBarHook', 'TargetMomentumHook']
