"""ViDiDiRecognizer: one encoder, every temporal-derivative order, one SSL loss."""
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.model import BaseModel
from torch.func import functional_call

from mmvididi.derivatives import check_orders, time_reversed
from mmvididi.pairs import Pair, PairError, check_pairs
from mmvididi.utils.loss_report import report_loss
from mmvididi.utils.prediction_fields import (FEATURE_FIELD,
                                              FEATURE_ORDERS_FIELD)

#: how a config adds the pair schedule (configs/_base_/default_runtime.py has it)
SCHEDULE_HOOK_CONFIG = ("default_hooks = dict(pair_schedule=dict("
                        "type='ViDiDiHook', mode='alternate'))")


@MODELS.register_module()
class ViDiDiRecognizer(BaseModel):
    """ViDiDi: instance discrimination between temporal-derivative orders.

    One encoder (``backbone`` + projector ``neck``) embeds every order. For a
    pair (a, b), branch A sees the first view of each video in order a and
    branch B the second view in order b; the ``framework`` (SimCLR, BYOL or
    VICReg) makes the two embeddings of one video agree. The losses of the
    ``active_pairs`` are summed; ``ViDiDiHook`` sets them before every
    iteration with :meth:`set_active_pairs`. A model with more than one pair
    refuses to train before they are set: a run without the schedule would
    silently train every pair at every step.

    Args:
        backbone: an MMAction2 3D backbone config (``ResNet3d``,
            ``ResNet2Plus1d``, ``X3D``, ...).
        neck: the projector config, e.g. ``MLPProjector``.
        framework: ``SimCLR``, ``BYOL`` or ``VICReg`` config.
        orders: derivative orders trained; ``(0,)`` is the plain framework,
            the baseline of every ViDiDi number.
        pairs: (order on branch A, order on branch B) pairs, checked by
            :func:`mmvididi.pairs.check_pairs`; defaults to
            :func:`mmvididi.pairs.default_pairs`.
        data_preprocessor: defaults to ``ViDiDiDataPreprocessor``; it is told
            to compute ``orders``.
        feature_orders: the orders whose pooled backbone features, each
            L2-normalised, concatenated, are a video's feature in ``predict``
            mode (retrieval, kNN). Defaults to ``(0,)``: the frames.
        channels_last: keep backbone weights and clips in
            ``torch.channels_last_3d`` memory format (faster 3D convolutions
            on CPUs and with cuDNN); results change by rounding only.
        reversed_negatives: for a pair (a, b), branch B's clips played
            backwards (:func:`mmvididi.derivatives.time_reversed`: the same
            appearance, background and camera, the motion reversed) join
            every anchor's negatives, so that a video's embeddings must tell
            it from itself reversed: the arrow of time, which matching by
            appearance cannot give. Needs a framework with negatives
            (``SimCLR``); one more branch-B batch a pair (about 1.5 x the
            encoder's work). Defaults to False (docs/method.md).
    """

    def __init__(self,
                 backbone: dict,
                 neck: dict,
                 framework: dict,
                 orders: Sequence[int] = (0, 1, 2),
                 pairs: Optional[Sequence[Sequence[int]]] = None,
                 data_preprocessor: Optional[dict] = None,
                 feature_orders: Sequence[int] = (0, ),
                 channels_last: bool = False,
                 reversed_negatives: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor or dict(
                type='ViDiDiDataPreprocessor'),
            init_cfg=init_cfg)
        self.orders = check_orders(orders, 'ViDiDiRecognizer')
        self.pairs = check_pairs(pairs, self.orders)
        # one pair: nothing to schedule; more: ViDiDiHook sets them
        self._active_pairs: Optional[List[Pair]] = \
            list(self.pairs) if len(self.pairs) == 1 else None
        self.feature_orders = check_orders(feature_orders,
                                           'ViDiDiRecognizer.feature_orders')
        self.data_preprocessor.orders = self.orders
        self.channels_last = channels_last
        self.backbone = MODELS.build(backbone)
        if channels_last:
            self.backbone.to(memory_format=torch.channels_last_3d)
        self.neck = MODELS.build(neck)
        self._check_neck()
        self.framework = MODELS.build(framework)
        self.framework.setup(self.backbone, self.neck)
        if reversed_negatives and not self.framework.accepts_negatives:
            raise ValueError(
                'model.reversed_negatives=True needs a framework with '
                f'negatives (SimCLR); {type(self.framework).__name__} has '
                'none: set model.reversed_negatives=False.')
        self.reversed_negatives = reversed_negatives

    @property
    def active_pairs(self) -> Optional[List[Pair]]:
        """The pairs the next training step trains (None: not set yet)."""
        return self._active_pairs

    def set_active_pairs(self, pairs: Sequence[Sequence[int]]) -> None:
        """Train ``pairs``, a non-empty subset of ``self.pairs``, from the next
        step on; ``ViDiDiHook`` calls it before every iteration."""
        pairs = [tuple(int(order) for order in pair) for pair in pairs]
        unknown = [pair for pair in pairs if pair not in self.pairs]
        if not pairs or unknown:
            raise PairError(
                f'ViDiDiRecognizer.set_active_pairs({pairs}): give some of '
                f'model.pairs={self.pairs}'
                f'{"; not among them: " + str(unknown) if unknown else ""}.')
        self._active_pairs = pairs

    @torch.no_grad()
    def _backbone_channels(self) -> int:
        """Channels of the backbone's output for a small clip (8 frames of
        64 x 64): shapes only, on the ``meta`` device (no weight is copied
        or computed with), or by a real forward pass where a backbone does
        not run on ``meta``."""
        training = self.backbone.training
        self.backbone.eval()
        try:
            state = {name: torch.empty_like(value, device='meta')
                     for name, value in
                     self.backbone.state_dict(keep_vars=True).items()}
            try:
                return functional_call(
                    self.backbone, state,
                    (torch.zeros(1, 3, 8, 64, 64, device='meta'), )).shape[1]
            except (RuntimeError, NotImplementedError, TypeError):
                return self.backbone(torch.zeros(1, 3, 8, 64, 64)).shape[1]
        finally:
            self.backbone.train(training)

    def _check_neck(self) -> None:
        """The projector must take what the backbone gives: checked at build
        time, not at the first step."""
        expected = getattr(self.neck, 'in_channels', None)
        channels = self._backbone_channels()
        if expected is not None and expected != channels:
            raise ValueError(
                f'model.neck.in_channels={expected}, but model.backbone gives '
                f'{channels} channels; set model.neck.in_channels={channels}.')

    def _clips(self, clips: torch.Tensor) -> torch.Tensor:
        """``clips`` contiguous in the backbone's memory format."""
        return clips.contiguous(memory_format=torch.channels_last_3d
                                if self.channels_last else torch.contiguous_format)

    def embed(self, clips: torch.Tensor) -> torch.Tensor:
        """``(N, C, T, H, W)`` clips to ``(N, D)`` projector embeddings."""
        return self.neck(self.backbone(self._clips(clips)))

    def extract_feat(self, clips: torch.Tensor) -> torch.Tensor:
        """``(N, C, T, H, W)`` clips to ``(N, C')`` pooled backbone features."""
        return self.backbone(self._clips(clips)).flatten(2).mean(dim=2)

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
        if self._active_pairs is None:
            raise PairError(
                f'ViDiDiRecognizer: model.pairs={self.pairs} need a schedule, '
                'and no ViDiDiHook has set the active pairs. Add the hook '
                f'to the config: {SCHEDULE_HOOK_CONFIG} (configs inheriting '
                'configs/_base_/default_runtime.py have it), or call '
                'model.set_active_pairs(pairs) before the step.')
        self.framework.before_step(self.backbone, self.neck)
        losses: Dict[str, torch.Tensor] = {}
        for order_a, order_b in self._active_pairs:
            clips_b = inputs[order_b][:, 1]
            negatives = {}
            if self.reversed_negatives:
                negatives['negatives'] = self._clips(
                    time_reversed(clips_b, order_b, time_dim=2))
            pair_losses = self.framework.loss(
                self.embed, self._clips(inputs[order_a][:, 0]),
                self._clips(clips_b), **negatives)
            for name, value in pair_losses.items():
                losses[name] = losses[name] + value if name in losses else value
        return losses

    def parse_losses(self, losses: Dict[str, torch.Tensor]) -> tuple:
        """mmengine's sum of the losses; also leaves the active pairs and the
        loss terms in the message hub (:func:`mmvididi.utils.loss_report.
        report_loss`), where ``SkipNonFiniteOptimWrapper`` reports them if the
        loss is not finite."""
        loss, log_vars = super().parse_losses(losses)
        report_loss(self._active_pairs or [], log_vars)
        return loss, log_vars

    def predict(self, inputs: Dict[int, torch.Tensor], data_samples) -> list:
        """Each video's feature, stored as ``feature`` in its data sample: per
        order of ``feature_orders``, the pooled backbone features averaged over
        the clips (views) and L2-normalised; concatenated,
        ``(len(feature_orders) * C',)``. The sample's metainfo
        ``feature_orders`` names the blocks (``utils.prediction_fields``)."""
        missing = [o for o in self.feature_orders if o not in inputs]
        if missing:
            raise ValueError(
                f'ViDiDiRecognizer: feature_orders={self.feature_orders} but the '
                f'test data has orders {tuple(inputs)}; add {missing} to '
                'TemporalDerivative(orders=...) in the test pipeline.')
        features = []
        for order in self.feature_orders:
            clips = inputs[order]
            num, views = clips.shape[:2]
            feature = self.extract_feat(clips.flatten(0, 1))
            features.append(F.normalize(
                feature.view(num, views, -1).mean(dim=1), dim=1))
        for sample, feature in zip(data_samples, torch.cat(features, dim=1)):
            sample.set_field(feature, FEATURE_FIELD)
            sample.set_metainfo({FEATURE_ORDERS_FIELD: self.feature_orders})
        return data_samples
