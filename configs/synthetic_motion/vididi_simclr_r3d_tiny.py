# ViDiDi + SimCLR on the synthetic motion videos: a thin R3D-18 (8 base channels),
# 8 frames of 32 x 32 per order, 20 epochs: about 3 minutes on 2 CPU cores.
# tools/demo.py runs it against its baseline twin simclr_r3d_tiny.py. Test a checkpoint
# (retrieval/order0/R@1, retrieval/order1/R@1, retrieval/orders0+1/R@1, ...):
#   python tools/test.py configs/synthetic_motion/vididi_simclr_r3d_tiny.py CHECKPOINT \
#       --cfg-options test_dataloader.dataset.data_root=work_dirs/demo/synthetic_motion
_base_ = [
    '../_base_/models/vididi_simclr_r3d18.py',
    '../_base_/datasets/synthetic_motion.py',
    '../_base_/schedules/adamw_cosine_short.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(base_channels=8),
    neck=dict(in_channels=64, hidden_channels=512, out_channels=128),
    feature_orders=(0, 1))  # the test_evaluator's orders
