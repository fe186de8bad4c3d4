from mmvididi.engine.feature_cache_test_loop import FeatureCacheTestLoop
from mmvididi.engine.hooks import (BrokenVideoHook, OrderPairScheduleHook,
                                   ProgressBarHook, TargetMomentumHook,
                                   ViDiDiHook)
from mmvididi.engine.optim import (SkipNonFiniteAmpOptimWrapper,
                                   SkipNonFiniteOptimWrapper)
from mmvididi.pairs import BalancedPairSchedule

__all__ = ['BalancedPairSchedule', 'BrokenVideoHook', 'FeatureCacheTestLoop',
           'OrderPairScheduleHook', 'ProgressBarHook',
           'SkipNonFiniteAmpOptimWrapper', 'SkipNonFiniteOptimWrapper',
           'TargetMomentumHook', 'ViDiDiHook']
