# Video retrieval on HMDB51 split 1: the test videos are the queries, the train
# videos the gallery. Other splits: --cfg-options
# test_dataloader.dataset.query_ann_file=... gallery_ann_file=...
_base_ = ['./video_retrieval.py']

data_root = 'data/hmdb51/videos'

test_dataloader = dict(
    dataset=dict(
        query_ann_file='data/hmdb51/hmdb51_val_split_1_videos.txt',
        gallery_ann_file='data/hmdb51/hmdb51_train_split_1_videos.txt',
        data_prefix=dict(video=data_root)))
