# The supervised ceiling of the synthetic motion benchmark: the tiny models' encoder
# (thin R3D-18, 8 frames of 32 x 32, every 2nd frame, the frames only) trained WITH the
# motion labels, 20 epochs, tested on the test videos (4 clips each). Where this does
# not read the class within a budget, the encoder, clip and budget are the first limit,
# before any self-supervised objective; where it does and a self-supervised model of
# the same budget does not, the objective is (docs/motion_benchmark.md).
#   python tools/train.py \
#       configs/recognition/r3d18_tiny_synthetic_motion_supervised.py \
#       --cfg-options train_dataloader.dataset.dataset.data_root=DIR \
#       val_dataloader.dataset.data_root=DIR test_dataloader.dataset.data_root=DIR
#   (DIR: a folder tools/data/synthetic_motion/generate.py wrote)
_base_ = [
    '../_base_/models/r3d18_recognizer.py',
    '../_base_/datasets/video_recognition.py',
    '../_base_/schedules/adamw_cosine_short.py',
    '../_base_/default_runtime.py',
]

data_root = 'work_dirs/synthetic_motion'
clip_len = 8
frame_interval = 2
img_size = 32

model = dict(
    backbone=dict(base_channels=8),
    cls_head=dict(num_classes=8, in_channels=64))

# as the self-supervised views: crop, resize, colour jitter; no flip (it would
# swap left and right, which the labels tell apart)
train_pipeline = [
    dict(type='VideoInit'),
    dict(
        type='SampleFrames',
        clip_len=clip_len,
        frame_interval=frame_interval,
        num_clips=1),
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
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs'),
]
test_pipeline = [
    dict(type='VideoInit'),
    dict(
        type='SampleFrames',
        clip_len=clip_len,
        frame_interval=frame_interval,
        num_clips=4,
        test_mode=True),
    dict(type='VideoDecode'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs'),
]
train_dataloader = dict(
    batch_size=32,
    num_workers=2,
    drop_last=True,
    dataset=dict(
        dataset=dict(
            data_root=data_root,
            ann_file='train_videos.txt',
            data_prefix=dict(video='videos'),
            pipeline=train_pipeline)))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    dataset=dict(
        data_root=data_root,
        ann_file='test_videos.txt',
        data_prefix=dict(video='videos'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader
default_hooks = dict(checkpoint=dict(interval=20))
train_cfg = dict(val_interval=20)
