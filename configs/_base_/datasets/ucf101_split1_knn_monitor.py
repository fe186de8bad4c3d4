# A kNN monitor for pretraining: at every validation (train_cfg.val_interval), retrieval
# R@k of the UCF101 split 1 test videos among its train videos with the encoder being
# trained (R@1 is the 1-nearest-neighbour accuracy). Cheaper than the retrieval
# evaluation (configs/retrieval/): 2 clips a video instead of 10, so its numbers are a
# monitor, not results. Names start with knn_ so that it merges with a pretraining
# config's own dataset variables.
knn_data_root = 'data/ucf101/videos'
knn_pipeline = [
    dict(type='VideoInit'),
    dict(
        type='SampleFrames',
        clip_len=16,
        frame_interval=2,
        num_clips=2,
        test_mode=True),
    dict(type='VideoDecode'),
    dict(type='Resize', scale=(-1, 128)),
    dict(type='CenterCrop', crop_size=112),
    dict(type='TemporalDerivative', orders=(0, ), compute_on='device'),
    dict(
        type='PackActionInputs',
        meta_keys=('derivative_orders', 'retrieval_role')),
]
val_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VideoRetrievalDataset',
        query_ann_file='data/ucf101/ucf101_val_split_1_videos.txt',
        gallery_ann_file='data/ucf101/ucf101_train_split_1_videos.txt',
        data_prefix=dict(video=knn_data_root),
        pipeline=knn_pipeline))
val_evaluator = dict(type='VideoRetrievalMetric', topk=(1, 5, 10))
val_cfg = dict(type='ValLoop')
