"""ViDiDiRecognizer: one encoder, every temporal-derivative order, one SSL loss."""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModel

from mmvididi.derivatives import check_orders

Pair = Tuple[int, int]


def default_pairs(orders: Sequence[int]) -> List[Pair]:
    """Every ordered pair of distinct orders, each next to its reverse:
    (0, 1), (1, 0), (0, 2), (2, 0), (1, 2), (2, 1) for orders 0-2; ``[(0, 0)]``
    for orders ``(0,)``, the plain framework."""
    if len(orders) == 1:
        return [(orders[0], orders[0])]
    return [pair for i, a in enumerate(orders) for b in orders[i + 1:]
            for pair in ((a, b), (b, a))]


@MODELS.register_module()
class ViDiDiRecognizer(BaseModel):
    """ViDiDi: instance discrimination between temporal-derivative orders.

    One encoder (``backbone`` + projector ``neck``) embeds every order. For a
    pair (a, b), branch A sees the first view of each video in order a and
    branch B the second view in order b; the ``framework`` (SimCLR, BYOL or
    VICReg) makes the two embeddings of one video agree. The losses of the
    ``active_pairs`` are summed; ``OrderPairScheduleHook`` sets them every
    iteration (without it, every pair trains at every step).

    Args:
        backbone: an MMAction2 3D backbone config (``ResNet3d``,
            ``ResNet2Plus1d``, ``X3D``, ...).
        neck: the projector config, e.g. ``MLPProjector``.
        framework: ``SimCLR``, ``BYOL`` or ``VICReg`` config.
        orders: derivative orders trained; ``(0,)`` is the plain framework,
            the baseline of every ViDiDi number.
        pairs: (order on branch A, order on branch B) pairs; defaults to
            :func:`default_pairs`.
        data_preprocessor: defaults to ``ViDiDiDataPreprocessor``; it is told
            to compute ``orders``.
    """

    def __init__(self,
                 backbone: dict,
                 neck: dict,
                 framework: dict,
                 orders: Sequence[int] = (0, 1, 2),
                 pairs: Optional[Sequence[Sequence[int]]] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor or dict(
                type='ViDiDiDataPreprocessor'),
            init_cfg=init_cfg)
        self.orders = check_orders(orders, 'ViDiDiRecognizer')
        self.pairs = self._check_pairs(pairs)
        self.active_pairs = list(self.pairs)
        self.data_preprocessor.orders = self.orders
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck)
        self.framework = MODELS.build(framework)
        self.framework.setup(self.backbone, self.neck)

    def _check_pairs(self, pairs) -> List[Pair]:
        if pairs is None:
            return default_pairs(self.orders)
        pairs = [tuple(pair) for pair in pairs]
        unknown = [p for p in pairs if len(p) != 2 or not set(p) <= set(self.orders)]
        unused = set(self.orders) - {order for pair in pairs for order in pair}
        if not pairs or unknown or unused or len(set(pairs)) != len(pairs):
            raise ValueError(
                f'ViDiDiRecognizer: pairs={pairs} must be distinct (order A, '
                f'order B) pairs that use exactly the orders {self.orders}; '
                f'{"pairs with other orders: " + str(unknown) if unknown else ""}'
                f'{"orders in no pair: " + str(sorted(unused)) if unused else ""}.')
        return pairs

    def embed(self, clips: torch.Tensor) -> torch.Tensor:
        """``(N, C, T, H, W)`` clips to ``(N, D)`` projector embeddings."""
        return self.neck(self.backbone(clips))

    def extract_feat(self, clips: torch.Tensor) -> torch.Tensor:
        """``(N, C, T, H, W)`` clips to ``(N, C')`` pooled backbone features."""
        return self.backbone(clips).flatten(2).mean(dim=2)

    def forward(self, inputs: Dict[int, torch.Tensor], data_samples=None,
                mode: str = 'tensor'):
        """``inputs``: ``{order: (N, V, C, T, H, W)}`` from the preprocessor."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.embed(inputs[self.orders[0]][:, 0])
        raise ValueError(f'ViDiDiRecognizer: unknown mode {mode!r}.')

    def loss(self, inputs: Dict[int, torch.Tensor],
             data_samples=None) -> Dict[str, torch.Tensor]:
        """Summed framework losses of the active pairs, view 1 vs view 2."""
        num_views = inputs[self.orders[0]].shape[1]
        if num_views < 2:
            raise ValueError(
                f'ViDiDiRecognizer: got {num_views} view a video; ViDiDi needs '
                "2: use MultiView(num_views=2) in the training pipeline.")
        self.framework.before_step(self.backbone, self.neck)
        losses: Dict[str, torch.Tensor] = {}
        for order_a, order_b in self.active_pairs:
            pair_losses = self.framework.loss(self.embed, inputs[order_a][:, 0],
                                              inputs[order_b][:, 1])
            for name, value in pair_losses.items():
                losses[name] = losses[name] + value if name in losses else value
        return losses

    def predict(self, inputs: Dict[int, torch.Tensor], data_samples) -> list:
        """Pooled backbone features of order 0, averaged over the views (clips),
        stored as ``feature`` ``(C',)`` in each data sample."""
        clips = inputs[0]
        num, views = clips.shape[:2]
        features = self.extract_feat(clips.flatten(0, 1))
        features = features.view(num, views, -1).mean(dim=1)
        for sample, feature in zip(data_samples, features):
            sample.set_field(feature, 'feature')
        return data_samples
