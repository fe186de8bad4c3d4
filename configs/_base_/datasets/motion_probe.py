# Motion probes on any VideoDataset list (labels ignored): each video as clips at
# playback speeds 1x / 2x / 4x (every frame_interval * speed-th frame), forward and
# time-reversed, plus its 1x clip with the frames shuffled; frozen features of the
# model's predict mode; linear probes of speed, direction and both, 5-fold by source
# video (MotionProbeMetric). The per-dataset files in configs/probes/ set the list
# and the video folder.
clip_len = 16  # T frames a clip, as in pretraining
frame_interval = 1  # 1x; 2x (the pretraining default) and 4x bracket it
speeds = (1, 2, 4)

probe_pipeline = [
    dict(type='VideoInit'),
    dict(type='MotionProbeSampleFrames'),
    dict(type='VideoDecode'),
    dict(type='Resize', scale=(-1, 128)),
    dict(type='CenterCrop', crop_size=112),
    dict(type='TemporalDerivative', orders=(0, ), compute_on='device'),
    dict(
        type='PackActionInputs',
        meta_keys=('derivative_orders', 'probe_source', 'probe_speed',
                   'probe_reversed', 'probe_shuffled', 'probe_position')),
]
test_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='MotionProbeDataset',
        ann_file='',
        data_prefix=dict(video=''),
        clip_len=clip_len,
        frame_interval=frame_interval,
        speeds=speeds,
        num_positions=1,
        shuffled=True,
        skip_short=True,  # videos too short for the 4x clip are left out
        pipeline=probe_pipeline))
# motion_energy: also probe the hand-made motion-energy feature (the floor)
test_evaluator = dict(
    type='MotionProbeMetric', num_folds=5, seed=0, l2=1e-2, motion_energy=True)
test_cfg = dict(type='TestLoop')
