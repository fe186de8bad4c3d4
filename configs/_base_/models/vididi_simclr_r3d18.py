# ViDiDi with SimCLR (NT-Xent, temperature 0.1) on R3D-18.
_base_ = ['./vididi_r3d18.py']

model = dict(
    neck=dict(
        type='MLPProjector',
        in_channels=512,
        hidden_channels=2048,
        out_channels=128,
        num_layers=2),
    framework=dict(type='SimCLR', temperature=0.1))
