# ViDiDi on an R3D-18 encoder (Tran et al., 2018: 3x3x3 convolutions, no pooling
# in the stem), from scratch; the framework bases beside this file add the
# projector and the loss.
model = dict(
    type='ViDiDiRecognizer',
    orders=(0, 1, 2),  # (0,): the plain framework, the baseline twin
    # channels_last_3d: 1.4x faster steps on CPU (docs/benchmarks.md); results
    # change by rounding only (tests/test_vididi_recognizer.py)
    channels_last=True,
    # each pair's branch-B clips played backwards as extra negatives (the
    # arrow of time; SimCLR only; docs/method.md), off; turn it on with
    # --cfg-options model.reversed_negatives=True
    # reversed_negatives=True,
    backbone=dict(
        type='ResNet3d',
        depth=18,
        pretrained=None,
        pretrained2d=False,
        conv1_kernel=(3, 7, 7),
        conv1_stride_t=1,
        with_pool1=False,
        with_pool2=False,
        spatial_strides=(1, 2, 2, 2),
        temporal_strides=(1, 2, 2, 2),
        inflate=(1, 1, 1, 1),
        norm_eval=False,
        zero_init_residual=False),
    data_preprocessor=dict(
        type='ViDiDiDataPreprocessor',
        mean=(123.675, 116.28, 103.53),
        std=(58.395, 57.12, 57.375),
        derivative_norm='clip_rms',
        # camera-motion compensation before differencing (docs/method.md),
        # off until the camera-ladder measurements decide; turn it on with
        # --cfg-options model.data_preprocessor.motion_compensation=similarity
        # (or translation / affine, or a dict of MotionCompensation arguments)
        # motion_compensation='similarity',
        # a still frame of another video mixed into each training view's
        # frames, which no derivative can see (docs/method.md), off; turn it
        # on with --cfg-options
        # model.data_preprocessor.static_frame_mix.max_weight=0.5
        # static_frame_mix=dict(prob=1.0, max_weight=0.5),
        # a random camera move (pan, zoom, roll) of its own for each training
        # view, before differencing, so that two views of a video share the
        # scene's motion but not the camera's (docs/method.md), off; turn it
        # on with --cfg-options model.data_preprocessor.camera_augment.pan=0.3
        # camera_augment=dict(pan=0.3, zoom=0.12, rotation=6.0),
    ))
