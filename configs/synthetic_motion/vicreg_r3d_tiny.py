# Baseline twin of vididi_vicreg_r3d_tiny.py: order 0 on both branches.
_base_ = ['./vididi_vicreg_r3d_tiny.py']

model = dict(orders=(0, ))
