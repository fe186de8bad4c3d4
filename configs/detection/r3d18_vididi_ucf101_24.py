# Action detection on UCF101-24 in MMAction2's AVA format, one action a person box
# (softmax): rawframes data/ucf101_24/rawframes/<video>/img_00001.jpg, annotations whose
# timestamps count frames (fps=1, timestamp_start=0; timestamp_end bounds the
# frame indices sampled around a keyframe, so it must not exceed the shortest
# video), ground-truth boxes as proposals when no detector file is given.
_base_ = ['./r3d18_vididi_ava.py']

data_root = 'data/ucf101_24/rawframes'
anno_root = 'data/ucf101_24/annotations'
dataset_args = dict(fps=1, timestamp_start=0, timestamp_end=32,
                    num_classes=25, multilabel=False)
model = dict(num_classes=25, multilabel=False)
train_dataloader = dict(
    dataset=dict(
        ann_file=f'{anno_root}/ucf101_24_train.csv',
        exclude_file=None,
        label_file=f'{anno_root}/ucf101_24_label_map.pbtxt',
        proposal_file=None,
        data_prefix=dict(img=data_root),
        **dataset_args))
val_dataloader = dict(
    dataset=dict(
        ann_file=f'{anno_root}/ucf101_24_val.csv',
        exclude_file=None,
        label_file=f'{anno_root}/ucf101_24_label_map.pbtxt',
        proposal_file=None,
        data_prefix=dict(img=data_root),
        **dataset_args))
test_dataloader = val_dataloader
val_evaluator = dict(
    ann_file=f'{anno_root}/ucf101_24_val.csv',
    label_file=f'{anno_root}/ucf101_24_label_map.pbtxt',
    exclude_file=None,
    num_classes=25)
test_evaluator = val_evaluator
