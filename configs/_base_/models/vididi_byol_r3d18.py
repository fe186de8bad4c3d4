# ViDiDi with BYOL (predictor, EMA target with cosine momentum 0.99 -> 1) on R3D-18.
_base_ = ['./vididi_r3d18.py']

model = dict(
    neck=dict(
        type='MLPProjector',
        in_channels=512,
        hidden_channels=4096,
        out_channels=256,
        num_layers=2),
    framework=dict(
        type='BYOL',
        base_momentum=0.99,
        # each branch of a pair its own batch: in one batch of two orders, batch
        # norm's statistics let each order's features collapse to one point
        # (docs/method.md, docs/motion_benchmark.md "Why ViDiDi's BYOL collapses")
        bn_per_branch=True,
        predictor=dict(
            type='MLPProjector',
            in_channels=256,
            hidden_channels=4096,
            out_channels=256,
            num_layers=2)))

# the pair schedule is default_hooks.pair_schedule (_base_/default_runtime.py)
custom_hooks = [dict(type='TargetMomentumHook')]
