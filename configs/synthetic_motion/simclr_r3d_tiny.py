# Baseline twin of vididi_simclr_r3d_tiny.py: order 0 on both branches.
_base_ = ['./vididi_simclr_r3d_tiny.py']

model = dict(orders=(0, ))
