# Video retrieval with a ViDiDi R3D-18 checkpoint of any framework (its backbone):
#   python tools/test.py configs/retrieval/vididi_r3d_ucf101_split1.py CHECKPOINT
_base_ = [
    '../_base_/models/vididi_simclr_r3d18.py',
    '../_base_/datasets/ucf101_split1_retrieval.py',
    '../_base_/default_runtime.py',
]

model = dict(feature_orders=(0, ))  # features of the frames
