# Action detection on person boxes with the ViDiDi R3D-18 (converted backbone,
# see tools/model_converters/vididi_to_mmaction.py) and torchvision's RoIAlign.
model = dict(
    type='RoIActionDetector',
    backbone=dict(
        type='ResNet3d',
        depth=18,
        pretrained=None,
        pretrained2d=False,
        conv1_kernel=(3, 7, 7),
        conv1_stride_t=1,
        with_pool1=False,
        with_pool2=False,
        spatial_strides=(1, 2, 2, 1),  # stride 16 -> 8: finer person maps
        temporal_strides=(1, 2, 2, 2),
        inflate=(1, 1, 1, 1),
        norm_eval=False,
        zero_init_residual=False),
    in_channels=512,
    num_classes=81,
    multilabel=True,
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCTHW'))
