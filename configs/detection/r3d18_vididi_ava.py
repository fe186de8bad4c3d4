# Action detection on AVA v2.1 with a ViDiDi R3D-18 backbone on the given person
# boxes, frame-mAP@0.5 (convert the pretraining checkpoint first, see README):
#   python tools/train.py configs/detection/r3d18_vididi_ava.py
_base_ = [
    '../_base_/models/r3d18_roi_detector.py',
    '../_base_/datasets/ava_detection.py',
    '../_base_/schedules/sgd_detection_20e.py',
    '../_base_/default_runtime.py',
]

pretrained = 'work_dirs/vididi_simclr_r3d_k400/backbone.pth'
model = dict(backbone=dict(pretrained=pretrained))
