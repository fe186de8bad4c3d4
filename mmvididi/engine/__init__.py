from mmvididi.engine.feature_cache_test_loop import FeatureCacheTestLoop
from mmvididi.engine.hooks import (BrokenVideoHook, OrderPairScheduleHook,
                                   ProgressBarHook, TargetMomentumHook)
from mmvididi.engine.optim import SkipNonFiniteOptimWrapper
from mmvididi.engine.pair_schedule import BalancedPairSchedule

__all__ = ['BalancedPairSchedule', 'BrokenVideoHook', 'FeatureCacheTestLoop',
           'OrderPairScheduleHook', 'ProgressBarHook', 'SkipNonFiniteOptimWrapper',
           'TargetMomentumHook']
