# Baseline: plain SimCLR (order 0 on both branches: frames vs frames), the twin of
# vididi_simclr_r3d_ucf101.py: same data, encoder, schedule and seed.
_base_ = ['./vididi_simclr_r3d_ucf101.py']

model = dict(orders=(0, ))
