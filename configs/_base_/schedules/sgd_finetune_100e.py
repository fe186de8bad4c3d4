# Full finetuning: SGD (momentum 0.9, weight decay 5e-4), lr 0.05 for a total batch
# of 128, 5 epochs of warm-up, cosine to 0 at epoch 100; validation every 5 epochs.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4),
    clip_grad=dict(max_norm=40, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', eta_min=0.0, by_epoch=True, begin=5,
         end=100, convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100, val_interval=5)
auto_scale_lr = dict(enable=False, base_batch_size=128)
