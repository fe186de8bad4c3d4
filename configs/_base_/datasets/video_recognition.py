# Action recognition on a video dataset in MMAction2's VideoDataset format: train on
# the train list, validate on one clip of each test video, test on 10 clips x 3 crops;
# top-1, top-5 and mean class accuracy. The per-dataset files (ucf101_split1_...,
# hmdb51_split1_...) set the annotation files and the video folder.
clip_len = 16
frame_interval = 2

train_pipeline = [
    dict(type='VideoInit'),
    dict(
        type='SampleFrames',
        clip_len=clip_len,
        frame_interval=frame_interval,
        num_clips=1),
    dict(type='VideoDecode'),
    dict(type='Resize', scale=(-1, 128)),
    dict(type='RandomResizedCrop', area_range=(0.2, 1.0)),
    dict(type='Resize', scale=(112, 112), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs'),
]
val_pipeline = [
    dict(type='VideoInit'),
    dict(
        type='SampleFrames',
        clip_len=clip_len,
        frame_interval=frame_interval,
        num_clips=1,
        test_mode=True),
    dict(type='VideoDecode'),
    dict(type='Resize', scale=(-1, 128)),
    dict(type='CenterCrop', crop_size=112),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs'),
]
test_pipeline = [
    dict(type='VideoInit'),
    dict(
        type='SampleFrames',
        clip_len=clip_len,
        frame_interval=frame_interval,
        num_clips=10,
        test_mode=True),
    dict(type='VideoDecode'),
    dict(type='Resize', scale=(-1, 128)),
    dict(type='ThreeCrop', crop_size=128),
    dict(type='Resize', scale=(112, 112), keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs'),
]
train_dataloader = dict(
    batch_size=16,  # per GPU: 128 on 8 GPUs
    num_workers=8,
    persistent_workers=True,
    # the sampler's (index, epoch, seed) seed each clip's augmentation in
    # ReproducibleDataset (outermost), so --resume is exact
    sampler=dict(type='ReproducibleSampler', shuffle=True),
    dataset=dict(
        type='ReproducibleDataset',
        dataset=dict(
            type='SkipBrokenVideoDataset',
            ann_file='',
            data_prefix=dict(video=''),
            pipeline=train_pipeline)))
val_dataloader = dict(
    batch_size=16,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='SkipBrokenVideoDataset',
        ann_file='',
        data_prefix=dict(video=''),
        pipeline=val_pipeline,
        test_mode=True))
test_dataloader = dict(
    batch_size=1,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='SkipBrokenVideoDataset',
        ann_file='',
        data_prefix=dict(video=''),
        pipeline=test_pipeline,
        test_mode=True))
val_evaluator = dict(
    type='AccMetric', metric_list=('top_k_accuracy', 'mean_class_accuracy'))
test_evaluator = val_evaluator
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
