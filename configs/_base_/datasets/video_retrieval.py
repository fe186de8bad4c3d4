# Video retrieval on a video dataset in MMAction2's VideoDataset format: the test
# videos are the queries, the train videos the gallery; a video's feature is the mean
# over 10 clips of T frames (centre crop) of the pooled backbone features. The
# per-dataset files (ucf101_split1_..., hmdb51_split1_...) set the annotation files
# and the video folder.
clip_len = 16
frame_interval = 2

retrieval_pipeline = [
    dict(type='VideoInit'),
    dict(
        type='SampleFrames',
        clip_len=clip_len,
        frame_interval=frame_interval,
        num_clips=10,
        test_mode=True),
    dict(type='VideoDecode'),
    dict(type='Resize', scale=(-1, 128)),
    dict(type='CenterCrop', crop_size=112),
    dict(type='TemporalDerivative', orders=(0, ), compute_on='device'),
    dict(
        type='PackActionInputs',
        meta_keys=('derivative_orders', 'retrieval_role')),
]
test_dataloader = dict(
    batch_size=4,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VideoRetrievalDataset',
        query_ann_file='',
        gallery_ann_file='',
        data_prefix=dict(video=''),
        pipeline=retrieval_pipeline))
test_evaluator = dict(type='VideoRetrievalMetric', topk=(1, 5, 10, 20, 50))
# saves the features: a second test of the same weights does not decode again
test_cfg = dict(type='FeatureCacheTestLoop')
