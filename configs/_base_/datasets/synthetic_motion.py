# The embedded default dataset: synthetic motion videos (tools/data/synthetic_motion),
# labelled by their motion, with random appearance. Written by tools/demo.py.
# No horizontal flip: it would swap left and right, which the labels tell apart.
# Another dataset folder: --cfg-options train_dataloader.dataset.dataset.data_root=DIR
# test_dataloader.dataset.data_root=DIR
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
feature_orders = (0, 1)
test_pipeline = [
    dict(type='VideoInit'),
    dict(
        type='SampleFrames',
        clip_len=clip_len + 1,
        frame_interval=frame_interval,
        num_clips=4,
        test_mode=True),
    dict(type='VideoDecode'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False),
    dict(type='TemporalDerivative', orders=feature_orders, compute_on='device'),
    dict(
        type='PackActionInputs',
        meta_keys=('derivative_orders', 'retrieval_role')),
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
            data_root=data_root,
            ann_file='train_videos.txt',
            data_prefix=dict(video='videos'),
            pipeline=train_pipeline)))
# motion retrieval: every test video is a query among the train videos
test_dataloader = dict(
    batch_size=16,
    num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VideoRetrievalDataset',
        data_root=data_root,
        query_ann_file='test_videos.txt',
        gallery_ann_file='train_videos.txt',
        data_prefix=dict(video='videos'),
        pipeline=test_pipeline))
# R@k per order of the feature (retrieval/order0/R@1, retrieval/order1/R@1) and for
# both (retrieval/orders0+1/R@1); orders must be the model's feature_orders
test_evaluator = dict(
    type='VideoRetrievalMetric', topk=(1, 5, 10), orders=feature_orders)
test_cfg = dict(type='TestLoop')
