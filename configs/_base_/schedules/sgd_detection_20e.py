# Detection: SGD (momentum 0.9, weight decay 1e-5), lr 0.1 for a total batch of 64,
# 2 epochs of warm-up, cosine to 0 at epoch 20; validation every 5 epochs.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-5),
    clip_grad=dict(max_norm=40, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', eta_min=0.0, by_epoch=True, begin=2,
         end=20, convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=20, val_interval=5)
auto_scale_lr = dict(enable=False, base_batch_size=64)
