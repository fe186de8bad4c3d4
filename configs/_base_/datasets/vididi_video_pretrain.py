# ViDiDi pretraining input, dataset-independent: each video gives two views (own
# temporal offset, own crop / flip / colour jitter); each view is T + max(orders)
# frames decoded once, exactly (VideoInit / VideoDecode, default backend). The
# orders are computed from these frames on the device by ViDiDiDataPreprocessor
# (TemporalDerivative compute_on='device'; 'host' computes them here as int16).
# The dataset configs beside this file set the annotation file and video root.
clip_len = 16  # T: frames of every derivative order
data_orders = (0, 1, 2)  # orders the data supports; the model picks among them
frame_interval = 2  # orders differentiate these sampled frames, 2 apart
img_size = 112

view_pipeline = [
    dict(
        type='SampleFrames',
        clip_len=clip_len + max(data_orders),
        frame_interval=frame_interval,
        num_clips=1,
        # a short video repeats its last frame: zero motion, not a jump back
        out_of_bound_opt='repeat_last'),
    dict(type='VideoDecode'),
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
    dict(type='VideoInit'),
    dict(type='MultiView', num_views=2, transforms=[view_pipeline]),
    dict(type='TemporalDerivative', orders=data_orders, compute_on='device'),
    dict(type='PackActionInputs', meta_keys=('derivative_orders', )),
]
train_dataloader = dict(
    batch_size=16,  # per GPU: 128 on 8 GPUs
    num_workers=8,
    persistent_workers=True,
    drop_last=True,  # contrastive losses and BatchNorm need full batches
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
