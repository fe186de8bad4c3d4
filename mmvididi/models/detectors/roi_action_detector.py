"""RoIActionDetector: spatio-temporal action detection on given person boxes."""
from typing import Dict, List, Optional

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.model import BaseModel
from mmengine.structures import InstanceData
from torch import nn
from torchvision.ops import box_iou, roi_align


@MODELS.register_module()
class RoIActionDetector(BaseModel):
    """Classify the actions of person boxes from a video backbone, without mmdet.

    The backbone's ``(N, C, T', H', W')`` map is averaged over time; each box is
    pooled from it by RoIAlign (``torchvision.ops``, CPU and GPU) to
    ``roi_size x roi_size``, averaged, and classified by a linear layer. Scores
    have one column per class, column 0 the background, as MMAction2's
    ``AVAMetric`` reads them.

    Training boxes are the ground-truth persons plus the proposals that overlap
    one of them by ``pos_iou`` (labelled as it) or less (background). The loss
    is binary cross entropy over classes 1..K when ``multilabel`` (AVA), else
    cross entropy with the background (UCF101-24, JHMDB). Prediction scores the
    proposals (the ground-truth boxes if there are none), boxes normalised to
    the image.

    Args:
        backbone: an MMAction2 3D backbone config.
        in_channels: channels of the backbone's output.
        num_classes: classes including the background (81 for AVA).
        multilabel: several actions a box (sigmoid) or one (softmax).
        roi_size: RoIAlign output side.
        pos_iou: IoU from which a proposal takes a ground-truth box's label.
        dropout: before the classifier.
        data_preprocessor: defaults to ``ActionDataPreprocessor`` (NCTHW).
    """

    def __init__(self, backbone: dict, in_channels: int, num_classes: int,
                 multilabel: bool = True, roi_size: int = 7,
                 pos_iou: float = 0.5, dropout: float = 0.5,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor or dict(
                type='ActionDataPreprocessor', format_shape='NCTHW'),
            init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.num_classes = num_classes
        self.multilabel = multilabel
        self.roi_size = roi_size
        self.pos_iou = pos_iou
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(in_channels, num_classes)
        nn.init.normal_(self.classifier.weight, std=0.01)
        nn.init.zeros_(self.classifier.bias)

    def roi_scores(self, inputs: torch.Tensor,
                   boxes: List[torch.Tensor]) -> torch.Tensor:
        """Logits ``(sum of R_i, num_classes)`` of ``boxes`` (``(R_i, 4)`` x1 y1
        x2 y2 pixels of each ``(C, T, H, W)`` input)."""
        features = self.backbone(inputs).mean(dim=2)  # N x C x H' x W'
        scale = features.shape[-1] / inputs.shape[-1]
        pooled = roi_align(features, [b.to(features.dtype) for b in boxes],
                           output_size=self.roi_size, spatial_scale=scale,
                           sampling_ratio=0, aligned=True)
        return self.classifier(self.dropout(pooled.mean(dim=(2, 3))))

    def _targets(self, sample) -> tuple:
        """Training boxes and their ``(R, num_classes)`` multi-hot targets."""
        gt_boxes = sample.gt_instances.bboxes.float()
        labels = sample.gt_instances.labels
        if labels.ndim == 1 or labels.shape[-1] != self.num_classes:
            labels = F.one_hot(labels.long().view(-1), self.num_classes)
        boxes, targets = [gt_boxes], [labels.float()]
        if 'proposals' in sample:
            proposals = sample.proposals.bboxes.float()
            iou, match = box_iou(proposals, gt_boxes).max(dim=1)
            target = labels.float()[match] * (iou >= self.pos_iou)[:, None]
            target[:, 0] = (iou < self.pos_iou).float()
            boxes.append(proposals)
            targets.append(target)
        return torch.cat(boxes), torch.cat(targets)

    def loss(self, inputs: torch.Tensor, data_samples) -> Dict[str, torch.Tensor]:
        boxes, targets = zip(*(self._targets(s) for s in data_samples))
        logits = self.roi_scores(inputs, list(boxes))
        targets = torch.cat(targets).to(logits.device)
        if self.multilabel:
            loss = F.binary_cross_entropy_with_logits(logits[:, 1:],
                                                      targets[:, 1:])
        else:
            loss = F.cross_entropy(logits, targets.argmax(dim=1))
        return dict(loss_action=loss)

    def predict(self, inputs: torch.Tensor, data_samples) -> list:
        boxes = [s.proposals.bboxes.float() if 'proposals' in s
                 else s.gt_instances.bboxes.float() for s in data_samples]
        logits = self.roi_scores(inputs, boxes)
        scores = logits.sigmoid() if self.multilabel else logits.softmax(dim=1)
        for sample, box, score in zip(data_samples, boxes,
                                      scores.split([len(b) for b in boxes])):
            height, width = sample.img_shape
            normalised = box / box.new_tensor([width, height, width, height])
            sample.pred_instances = InstanceData(bboxes=normalised.clamp(0, 1),
                                                 scores=score)
        return data_samples

    def forward(self, inputs: torch.Tensor, data_samples=None,
                mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.backbone(inputs)
        raise ValueError(f'RoIActionDetector: unknown mode {mode!r}.')
