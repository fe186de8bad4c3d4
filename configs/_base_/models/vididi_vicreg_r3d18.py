# ViDiDi with VICReg (invariance / variance / covariance 25 / 25 / 1) on R3D-18.
_base_ = ['./vididi_r3d18.py']

model = dict(
    neck=dict(
        type='MLPProjector',
        in_channels=512,
        hidden_channels=2048,
        out_channels=2048,
        num_layers=3),
    framework=dict(
        type='VICReg',
        invariance_weight=25.0,
        variance_weight=25.0,
        covariance_weight=1.0))
