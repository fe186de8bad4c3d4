# ViDiDi + SimCLR pretraining of R3D-18 on Kinetics-400 (train list), 100 epochs.
_base_ = [
    '_base_/models/vididi_simclr_r3d18.py',
    '_base_/datasets/kinetics400_pretrain.py',
    '_base_/schedules/adamw_cosine_100e.py',
    '_base_/default_runtime.py',
]
