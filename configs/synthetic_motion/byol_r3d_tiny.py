# Baseline twin of vididi_byol_r3d_tiny.py: order 0 on both branches.
_base_ = ['./vididi_byol_r3d_tiny.py']

model = dict(orders=(0, ))
