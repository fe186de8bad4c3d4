# Finetune a ViDiDi R3D-18 on UCF101 split 1. Convert the pretraining checkpoint
# first: ResNet3d loads `pretrained` by its own keys (a ViDiDi checkpoint's
# `backbone.*` keys would not match, and the backbone would stay random):
#   python tools/model_converters/vididi_to_mmaction.py \
#       work_dirs/vididi_simclr_r3d_ucf101/epoch_200.pth \
#       work_dirs/vididi_simclr_r3d_ucf101/backbone.pth
#   python tools/train.py configs/recognition/r3d18_vididi_ucf101_split1_finetune.py
_base_ = [
    '../_base_/models/r3d18_recognizer.py',
    '../_base_/datasets/ucf101_split1_recognition.py',
    '../_base_/schedules/sgd_finetune_100e.py',
    '../_base_/default_runtime.py',
]

pretrained = 'work_dirs/vididi_simclr_r3d_ucf101/backbone.pth'
model = dict(
    backbone=dict(pretrained=pretrained),
    cls_head=dict(num_classes=101))
default_hooks = dict(checkpoint=dict(interval=5, save_best='auto'))
