# The embedded default dataset: synthetic motion videos (tools/data/synthetic_motion),
# labelled by their motion, with random appearance. Written by tools/demo.py.
# No horizontal flip: it would swap left and right, which the labels tell apart.
data_root = 'work_dirs/synthetic_motion'
clip_len = 8  # T: frames of every derivative order
data_orders = (0, 1, 2)
frame_interval = 2
img_size = 32

view_pipeline = [
    dict(
        type='SampleFrames',
        clip_len=clip_len + max(data_orders),
        frame_interval=frame_interval,
        num_clips=1,
        out_of_bound_opt='repeat_last'),
    dict(type='VideoDecode'),
    dict(type='RandomResizedCrop', area_range=(0.5, 1.0)),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False),
    dict(
        type='RandomApply',
        transforms=[
            dict(
                type='ColorJitter',
                brightness=0.4,
                contrast=0.4,
                saturation=0.4,
                hue=0.1)
        ],
        prob=0.8),
]
train_pipeline = [
    dict(type='VideoInit'),
    dict(type='MultiView', num_views=2, transforms=[view_pipeline]),
    dict(type='TemporalDerivative', orders=data_orders, compute_on='device'),
    dict(type='PackActionInputs', meta_keys=('derivative_orders', )),
]
# retrieval features: 4 clips a video, whole frame, orders 0 and 1 (the model's
# feature_orders: frames, and the first derivative, which shows the motion)
feature_pipeline = [
    dict(type='VideoInit'),
    dict(
        type='SampleFrames',
        clip_len=clip_len + 1,
        frame_interval=frame_interval,
        num_clips=4,
        test_mode=True),
    dict(type='VideoDecode'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False),
    dict(type='TemporalDerivative', orders=(0, 1), compute_on='device'),
    dict(type='PackActionInputs', meta_keys=('derivative_orders', )),
]
train_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='ReproducibleSampler', shuffle=True),
    dataset=dict(
        type='ReproducibleDataset',  # seeds each clip's augmentation
        dataset=dict(
            type='SkipBrokenVideoDataset',
            ann_file=data_root + '/train_videos.txt',
            data_prefix=dict(video=data_root + '/videos'),
            pipeline=train_pipeline)))
feature_dataloader = dict(
    batch_size=16,
    num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='SkipBrokenVideoDataset',
        ann_file=data_root + '/test_videos.txt',
        data_prefix=dict(video=data_root + '/videos'),
        pipeline=feature_pipeline,
        test_mode=True))
