# Linear probe of a ViDiDi R3D-18 on UCF101 split 1: the backbone is frozen (its
# BatchNorm too), only the linear head trains. Checkpoint: see the finetune config.
#   python tools/train.py configs/recognition/r3d18_vididi_ucf101_split1_linear.py
_base_ = [
    '../_base_/models/r3d18_recognizer.py',
    '../_base_/datasets/ucf101_split1_recognition.py',
    '../_base_/schedules/sgd_linear_probe_100e.py',
    '../_base_/default_runtime.py',
]

pretrained = 'work_dirs/vididi_simclr_r3d_ucf101/backbone.pth'
model = dict(
    backbone=dict(pretrained=pretrained, frozen_stages=4, norm_eval=True),
    cls_head=dict(num_classes=101, dropout_ratio=0.0))
default_hooks = dict(checkpoint=dict(interval=5, save_best='auto'))
