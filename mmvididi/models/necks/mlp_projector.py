"""MLPProjector: the projector (and BYOL's predictor) on top of a video backbone."""
import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import nn


@MODELS.register_module()
class MLPProjector(BaseModule):
    """Global average pooling (for backbone maps) then an MLP.

    ``num_layers`` linear layers; every layer but the last is followed by
    BatchNorm1d and ReLU: SimCLR's and BYOL's projector with 2 layers, VICReg's
    expander with 3, BYOL's predictor with 2.

    Args:
        in_channels: C of the ``(N, C, T, H, W)`` backbone map or ``(N, C)``
            vector.
        hidden_channels: width of the hidden layers.
        out_channels: D of the ``(N, D)`` embedding.
        num_layers: linear layers, >= 1. Defaults to 2.
    """

    def __init__(self, in_channels: int, hidden_channels: int,
                 out_channels: int, num_layers: int = 2, init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_layers < 1:
            raise ValueError(f'MLPProjector: num_layers={num_layers} must be '
                             '>= 1.')
        widths = [in_channels] + [hidden_channels] * (num_layers - 1)
        layers = []
        for width_in, width_out in zip(widths[:-1], widths[1:]):
            layers += [nn.Linear(width_in, width_out, bias=False),
                       nn.BatchNorm1d(width_out), nn.ReLU(inplace=True)]
        layers.append(nn.Linear(widths[-1], out_channels))
        self.mlp = nn.Sequential(*layers)
        self.in_channels = in_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, C, ...)`` features, averaged over any spatio-temporal axes, to
        ``(N, out_channels)``."""
        if x.ndim > 2:
            x = x.flatten(2).mean(dim=2)
        if x.shape[1] != self.in_channels:
            raise ValueError(
                f'MLPProjector: got {x.shape[1]} input channels but '
                f'in_channels={self.in_channels}; set the neck in_channels to '
                "the backbone's output channels.")
        return self.mlp(x)
