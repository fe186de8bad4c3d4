# Motion probes of a ViDiDi R3D-18 checkpoint's frame (order 0) features on the
# HMDB51 split-1 test videos:
#   python tools/test.py configs/probes/motion_probe_hmdb51_split1.py CHECKPOINT
_base_ = ['./motion_probe_ucf101_split1.py']

test_dataloader = dict(
    dataset=dict(
        ann_file='data/hmdb51/hmdb51_val_split_1_videos.txt',
        data_prefix=dict(video='data/hmdb51/videos')))
