# ViDiDi pretraining input, dataset-independent: each video gives two views (own
# temporal offset, own crop / flip / colour jitter); each view is T + max(orders)
# frames decoded once with decord (exactly: see ExactDecordDecode), then expanded
# into its derivative orders.
# The dataset configs beside this file set the annotation file and video root.
clip_len = 16  # T: frames of every derivative order
orders = (0, 1, 2)  # derivative orders the pipeline produces
frame_interval = 2  # orders differentiate these sampled frames, 2 apart
img_size = 112

view_pipeline = [
    dict(
        type='SampleFrames',
        clip_len=clip_len + max(orders),
        frame_interval=frame_interval,
        num_clips=1,
        # a short video repeats its last frame: zero motion, not a jump back
        out_of_bound_opt='repeat_last'),
    dict(type='ExactDecordDecode'),
    dict(type='RandomResizedCrop', area_range=(0.2, 1.0)),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
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
    dict(type='DecordInit'),
    dict(type='MultiView', num_views=2, transforms=[view_pipeline]),
    dict(type='TemporalDerivative', orders=orders),
    dict(type='PackActionInputs', meta_keys=('derivative_orders', )),
]
train_dataloader = dict(
    batch_size=32,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='VideoDataset',
        ann_file='',
        data_prefix=dict(video=''),
        pipeline=train_pipeline))
