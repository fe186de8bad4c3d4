# Motion probes of the tiny synthetic-motion models (configs/synthetic_motion/*_tiny.py:
# thin R3D-18, 8 frames of 32 x 32) on the synthetic test videos that tools/demo.py
# writes:
#   python tools/test.py configs/probes/motion_probe_synthetic_motion_tiny.py \
#       CHECKPOINT --cfg-options \
#       test_dataloader.dataset.data_root=work_dirs/demo/synthetic_motion
# 8 frames at 1x, 2x and 4x span 29 frames of a video.
_base_ = [
    '../_base_/models/vididi_simclr_r3d18.py',
    '../_base_/datasets/motion_probe.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(base_channels=8),
    neck=dict(in_channels=64, hidden_channels=512, out_channels=128),
    feature_orders=(0, ))  # features of the frames

img_size = 32
probe_pipeline = [
    dict(type='VideoInit'),
    dict(type='MotionProbeSampleFrames'),
    dict(type='VideoDecode'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False),
    dict(type='TemporalDerivative', orders=(0, ), compute_on='device'),
    dict(
        type='PackActionInputs',
        meta_keys=('derivative_orders', 'probe_source', 'probe_speed',
                   'probe_reversed', 'probe_shuffled', 'probe_position')),
]
test_dataloader = dict(
    batch_size=16,
    num_workers=2,
    dataset=dict(
        data_root='work_dirs/synthetic_motion',
        ann_file='test_videos.txt',
        data_prefix=dict(video='videos'),
        clip_len=8,
        pipeline=probe_pipeline))
