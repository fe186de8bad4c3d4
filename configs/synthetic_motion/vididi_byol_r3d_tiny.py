# ViDiDi + BYOL on the synthetic motion videos (see vididi_simclr_r3d_tiny.py).
_base_ = [
    '../_base_/models/vididi_byol_r3d18.py',
    '../_base_/datasets/synthetic_motion.py',
    '../_base_/schedules/adamw_cosine_short.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(base_channels=8),
    neck=dict(in_channels=64, hidden_channels=512, out_channels=128),
    framework=dict(
        predictor=dict(in_channels=128, hidden_channels=512,
                       out_channels=128)),
    feature_orders=(0, 1))  # the test_evaluator's orders
