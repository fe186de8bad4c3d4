# ViDiDi + VICReg pretraining of R3D-18 on UCF101 split 1 (train list), 200 epochs.
# Its baseline twin, vicreg_r3d_ucf101.py, differs only in the orders.
_base_ = [
    '_base_/models/vididi_vicreg_r3d18.py',
    '_base_/datasets/ucf101_split1_pretrain.py',
    '_base_/schedules/adamw_cosine_200e.py',
    '_base_/default_runtime.py',
]
