# Kinetics-400 (train list) for ViDiDi pretraining; see docs/data_preparation.md.
_base_ = ['./vididi_video_pretrain.py']

data_root = 'data/kinetics400/videos_train'
ann_file_train = 'data/kinetics400/kinetics400_train_list_videos.txt'

train_dataloader = dict(  # inside the ReproducibleDataset wrapper
    dataset=dict(
        dataset=dict(ann_file=ann_file_train,
                     data_prefix=dict(video=data_root))))
