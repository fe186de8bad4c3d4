"""MultiView: the instance-discrimination views of one video."""
from typing import Callable, Dict, List, Optional, Sequence, Union

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform
from mmengine.dataset import Compose

Pipeline = List[Union[dict, Callable]]


@TRANSFORMS.register_module()
class MultiView(BaseTransform):
    """Sample, decode and augment one video several times, independently.

    Each view runs its pipeline on its own shallow copy of ``results``, so every
    view draws its own temporal offset, crop, flip and colour jitter from one
    opened video (put ``VideoInit`` before this transform, ``SampleFrames``,
    ``VideoDecode`` and the augmentations inside it). The arguments follow
    MMPretrain's ``MultiView``: ``num_views=[1, 1]`` with two pipelines gives
    asymmetric views (as in BYOL).

    Required keys: those of the view pipelines.

    Modified keys:
        - imgs: ``V x T x H x W x C``, the views' frames stacked.
        - every other key a view pipeline sets becomes a list of the ``V``
          per-view values (e.g. ``frame_inds``).

    Args:
        transforms: one view pipeline (a list of transform configs) or a list of
            view pipelines.
        num_views: how many views each pipeline makes. Defaults to 2.
    """

    def __init__(self, transforms: Union[Pipeline, Sequence[Pipeline]],
                 num_views: Union[int, Sequence[int]] = 2) -> None:
        if transforms and not isinstance(transforms[0], (list, tuple)):
            transforms = [transforms]
        num_views = [num_views] if isinstance(num_views, int) else list(num_views)
        if len(num_views) != len(transforms) or min(num_views, default=0) < 1:
            raise ValueError(
                f'MultiView: num_views={num_views} must give a positive count '
                f'for each of the {len(transforms)} view pipelines.')
        self.pipelines = [Compose(pipeline) for pipeline in transforms]
        self.num_views = num_views

    def transform(self, results: Dict) -> Optional[Dict]:
        views = []
        for pipeline, count in zip(self.pipelines, self.num_views):
            for _ in range(count):
                view = pipeline(dict(results))
                if view is None:  # a transform rejected the sample
                    return None
                views.append(view)

        clips = [np.asarray(np.stack(view['imgs'])) for view in views]
        if len({clip.shape for clip in clips}) > 1:
            raise ValueError(
                f'MultiView: the views of {results.get("filename")} have '
                f'shapes {[clip.shape for clip in clips]}; end each view '
                'pipeline with a fixed-size Resize or crop so that they stack.')
        merged = dict(results, imgs=np.stack(clips))
        for key in views[0].keys() - {'imgs'}:
            values = [view.get(key) for view in views]
            if key not in results or any(v is not results[key] for v in values):
                merged[key] = values
        return merged

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_views={self.num_views}, '
                f'pipelines={self.pipelines})')
