# AdamW, lr 1e-3, one epoch of linear warm-up, then cosine to 0: short runs such as
# the synthetic motion benchmark.
max_epochs = 20

optim_wrapper = dict(
    # skips steps whose loss is not finite; stops after 5 in a row
    type='SkipNonFiniteOptimWrapper',
    max_consecutive=5,
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0),
    clip_grad=dict(max_norm=10.0))

param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.01,
        by_epoch=True,
        begin=0,
        end=1,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        eta_min=0.0,
        by_epoch=True,
        begin=1,
        end=max_epochs,
        convert_to_iter_based=True),
]

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)
auto_scale_lr = dict(enable=False, base_batch_size=32)
