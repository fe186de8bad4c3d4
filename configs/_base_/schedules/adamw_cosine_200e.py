# AdamW, lr 1e-3 for a total batch of 128 (scaled with --auto-scale-lr), linear
# warm-up for 10 epochs, then cosine to 0 over 200 epochs.
max_epochs = 200
warmup_epochs = 10

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
        end=warmup_epochs,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        eta_min=0.0,
        by_epoch=True,
        begin=warmup_epochs,
        end=max_epochs,
        convert_to_iter_based=True),
]

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)
auto_scale_lr = dict(enable=False, base_batch_size=128)
