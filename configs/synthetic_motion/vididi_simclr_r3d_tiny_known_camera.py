# vididi_simclr_r3d_tiny.py on stabilised clips whose camera is known, not estimated:
# every frame warped onto the clip's middle frame with the renderer's own camera
# (motion_source='supplied'), read from the camera file beside each video by
# LoadCameraMotion. On the synthetic benchmark it says what a perfect estimate of the
# camera would give (docs/motion_benchmark.md, "Stabilised with the true camera");
# videos written with camera files:
#   python tools/data/synthetic_motion/generate.py DIR --camera handheld --write-camera
# Any dataset whose videos have camera files ((frames, 2, 3) maps from each frame's
# pixels to a common frame's: LoadCameraMotion) can use it.
_base_ = ['./vididi_simclr_r3d_tiny.py']

clip_len = 8
data_orders = (0, 1, 2)
frame_interval = 2
img_size = 32
camera_key = 'camera_motion'  # mmvididi.motion_compensation.CAMERA_KEY

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
    dict(type='LoadCameraMotion'),  # after the crop and resize it follows
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
    dict(
        type='PackActionInputs',
        meta_keys=('derivative_orders', camera_key)),
]
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
    dict(type='LoadCameraMotion'),
    dict(type='TemporalDerivative', orders=feature_orders, compute_on='device'),
    dict(
        type='PackActionInputs',
        meta_keys=('derivative_orders', 'retrieval_role', camera_key)),
]
train_dataloader = dict(dataset=dict(dataset=dict(pipeline=train_pipeline)))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
model = dict(
    data_preprocessor=dict(
        motion_compensation=dict(
            model='similarity', stabilize=True, motion_source='supplied')))
