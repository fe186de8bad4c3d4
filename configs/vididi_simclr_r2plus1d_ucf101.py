# ViDiDi + SimCLR pretraining of R(2+1)D-18 on UCF101 split 1 (train list).
_base_ = ['./vididi_simclr_r3d_ucf101.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNet2Plus1d',
        depth=18,
        pretrained=None,
        pretrained2d=False,
        conv_cfg=dict(type='Conv2plus1d'),
        norm_cfg=dict(type='BN3d', requires_grad=True, eps=1e-3),
        conv1_kernel=(3, 7, 7),
        conv1_stride_t=1,
        with_pool1=True,
        pool1_stride_t=1,
        spatial_strides=(1, 2, 2, 2),
        temporal_strides=(1, 2, 2, 2),
        inflate=(1, 1, 1, 1),
        norm_eval=False,
        zero_init_residual=False))
