# Linear probe: SGD (momentum 0.9, no weight decay) on the head alone, lr 0.1 for a
# total batch of 128, cosine over 100 epochs; validation every 5 epochs.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0.0))
param_scheduler = [
    dict(type='CosineAnnealingLR', eta_min=0.0, by_epoch=True, begin=0,
         end=100, convert_to_iter_based=True)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100, val_interval=5)
auto_scale_lr = dict(enable=False, base_batch_size=128)
