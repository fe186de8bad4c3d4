# Action recognition on HMDB51 split 1; see docs/data_preparation.md.
_base_ = ['./video_recognition.py']

data_root = 'data/hmdb51/videos'
ann_file_train = 'data/hmdb51/hmdb51_train_split_1_videos.txt'
ann_file_test = 'data/hmdb51/hmdb51_val_split_1_videos.txt'

train_dataloader = dict(  # inside the ReproducibleDataset wrapper
    dataset=dict(
        dataset=dict(ann_file=ann_file_train,
                     data_prefix=dict(video=data_root))))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file_test, data_prefix=dict(video=data_root)))
test_dataloader = dict(
    dataset=dict(ann_file=ann_file_test, data_prefix=dict(video=data_root)))
