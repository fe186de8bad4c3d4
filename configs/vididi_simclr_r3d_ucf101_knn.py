# vididi_simclr_r3d_ucf101.py with a kNN monitor: every 10 epochs, retrieval R@1/5/10
# of the UCF101 split 1 test videos among the train videos (frame features), logged
# as retrieval/R@k; the best R@1 checkpoint is kept. Any pretraining config takes
# the monitor the same way.
_base_ = [
    './vididi_simclr_r3d_ucf101.py',
    '_base_/datasets/ucf101_split1_knn_monitor.py',
]

train_cfg = dict(val_interval=10)
default_hooks = dict(
    checkpoint=dict(save_best='retrieval/R@1', rule='greater'))
