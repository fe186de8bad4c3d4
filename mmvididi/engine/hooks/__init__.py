from mmvididi.engine.hooks.broken_video_hook import BrokenVideoHook
from mmvididi.engine.hooks.checkpoint_fit_hook import CheckpointFitHook
from mmvididi.engine.hooks.progress_bar_hook import ProgressBarHook
from mmvididi.engine.hooks.target_momentum_hook import TargetMomentumHook
from mmvididi.engine.hooks.vididi_hook import OrderPairScheduleHook, ViDiDiHook

__all__ = ['BrokenVideoHook', 'CheckpointFitHook', 'OrderPairScheduleHook',
           'ProgressBarHook', 'TargetMomentumHook', 'ViDiDiHook']
