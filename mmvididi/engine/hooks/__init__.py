from mmvididi.engine.hooks.broken_video_hook import BrokenVideoHook
from mmvididi.engine.hooks.order_pair_schedule_hook import \
    OrderPairScheduleHook
from mmvididi.engine.hooks.progress_bar_hook import ProgressBarHook
from mmvididi.engine.hooks.target_momentum_hook import TargetMomentumHook

__all__ = ['BrokenVideoHook', 'OrderPairScheduleHook', 'ProgressBarHook',
           'TargetMomentumHook']
