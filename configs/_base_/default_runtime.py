# Runtime shared by every mmvididi config: scope, plugin import, hooks, logging.
default_scope = 'mmaction'
custom_imports = dict(imports=['mmvididi'], allow_failed_imports=False)

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    sync_buffers=dict(type='SyncBuffersHook'),
    # counts the videos SkipBrokenVideoDataset skipped; stops above 5 %
    broken_videos=dict(type='BrokenVideoHook', max_bad_ratio=0.05),
    # a loaded checkpoint must hold every backbone weight with the model's
    # shape: else an error, not a test of a randomly initialised encoder
    checkpoint_fit=dict(type='CheckpointFitHook'),
    # checks the config before the run; steps ViDiDi's balanced order-pair
    # schedule (inert for other models). A config's custom_hooks cannot drop
    # it; pick the schedule with default_hooks.pair_schedule.mode:
    # 'alternate', 'epoch', 'random' or 'joint' (README, docs/method.md)
    pair_schedule=dict(type='ViDiDiHook', mode='alternate'))

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))

log_processor = dict(type='LogProcessor', window_size=20, by_epoch=True)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='ActionVisualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
