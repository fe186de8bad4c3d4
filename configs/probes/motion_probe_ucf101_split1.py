# Motion probes of a ViDiDi R3D-18 checkpoint's frame (order 0) features on the
# UCF101 split-1 test videos:
#   python tools/test.py configs/probes/motion_probe_ucf101_split1.py CHECKPOINT
# Your own videos: --cfg-options test_dataloader.dataset.ann_file=LIST \
#   test_dataloader.dataset.data_prefix.video=FOLDER
_base_ = [
    '../_base_/models/vididi_simclr_r3d18.py',
    '../_base_/datasets/motion_probe.py',
    '../_base_/default_runtime.py',
]

model = dict(feature_orders=(0, ))  # features of the frames

test_dataloader = dict(
    dataset=dict(
        ann_file='data/ucf101/ucf101_val_split_1_videos.txt',
        data_prefix=dict(video='data/ucf101/videos')))
