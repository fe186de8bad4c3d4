# UCF101 split 1 (train list) for ViDiDi pretraining; see docs/data_preparation.md.
_base_ = ['./vididi_video_pretrain.py']

data_root = 'data/ucf101/videos'
ann_file_train = 'data/ucf101/ucf101_train_split_1_videos.txt'

train_dataloader = dict(  # inside the ReproducibleDataset wrapper
    dataset=dict(
        dataset=dict(ann_file=ann_file_train,
                     data_prefix=dict(video=data_root))))
