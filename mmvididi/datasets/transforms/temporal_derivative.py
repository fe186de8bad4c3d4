"""TemporalDerivative: a clip seen through its temporal derivatives."""
from typing import Dict, Sequence

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from mmvididi.derivatives import check_orders, temporal_derivatives

DTYPES = ('auto', 'int16', 'float32')
COMPUTE_ON = ('host', 'device')


@TRANSFORMS.register_module()
class TemporalDerivative(BaseTransform):
    """Expand each clip into its temporal derivatives of the given orders.

    Place it after the spatial and colour augmentations, so that all orders of a
    clip share one crop, flip and colour jitter, and before ``PackActionInputs``.
    A clip of ``T + max(orders)`` frames gives ``T`` frames for every order.

    Required keys:
        - imgs: channel-last frames of one clip (a list of ``H x W x C`` arrays, as
          ``DecordDecode`` gives, or an array ``T' x H x W x C``), of the
          ``num_clips`` clips of ``SampleFrames`` one after the other (each is
          then a view), or the views of :class:`MultiView`
          (``V x T' x H x W x C``).

    Modified keys:
        - imgs: ``V x O x T x H x W x C`` (``V = 1`` for one clip,
          ``O = len(orders)``); with ``compute_on='device'`` the frames
          themselves, ``V x (T + max(orders)) x H x W x C`` uint8.
        - clip_len: ``T``.

    Added keys:
        - derivative_orders: ``orders``.

    Args:
        orders: derivative orders, distinct, in ``0..MAX_ORDER``.
            Defaults to ``(0, 1, 2)``.
        dtype: ``'int16'`` (exact for uint8 frames: order 2 spans -510..510),
            ``'float32'``, or ``'auto'``: int16 for uint8 frames, else float32.
            Defaults to ``'auto'``.
        compute_on: ``'host'``: here, in the dataloader worker; ``'device'``:
            check the clips and pass their frames on, so that one order's bytes
            cross to the accelerator and ``ViDiDiDataPreprocessor`` computes the
            orders there (exactly, in float32). Defaults to ``'host'``.
    """

    def __init__(self, orders: Sequence[int] = (0, 1, 2), dtype: str = 'auto',
                 compute_on: str = 'host') -> None:
        self.orders = check_orders(orders, 'TemporalDerivative')
        if dtype not in DTYPES:
            raise ValueError(f'TemporalDerivative: dtype={dtype!r} is not one '
                             f'of {DTYPES}.')
        if compute_on not in COMPUTE_ON:
            raise ValueError(f'TemporalDerivative: compute_on={compute_on!r} is '
                             f'not one of {COMPUTE_ON}.')
        self.dtype = dtype
        self.compute_on = compute_on

    def _as_views(self, imgs, num_clips: int, source: str) -> np.ndarray:
        """``imgs`` as a ``V x T' x H x W x C`` array, or a clear error."""
        if isinstance(imgs, (list, tuple)):
            try:
                imgs = np.stack(imgs)
            except ValueError:
                raise ValueError(
                    f'TemporalDerivative: the frames of {source} differ in '
                    'shape; resize them to one size before this transform.'
                ) from None
        if not isinstance(imgs, np.ndarray) or imgs.ndim not in (4, 5) or \
                imgs.shape[-1] not in (1, 2, 3):
            shape = getattr(imgs, 'shape', type(imgs).__name__)
            raise ValueError(
                f'TemporalDerivative: imgs of {source} has layout {shape}; it '
                'needs channel-last frames T x H x W x C (or V x T x H x W x C '
                'from MultiView). Put it after the augmentations and before '
                'FormatShape / PackActionInputs.')
        if imgs.ndim == 5:
            return imgs
        if len(imgs) % num_clips:
            raise ValueError(
                f'TemporalDerivative: {len(imgs)} frames of {source} do not '
                f'split into num_clips={num_clips} clips.')
        return imgs.reshape((num_clips, -1) + imgs.shape[1:])

    def _out_dtype(self, frames: np.ndarray, source: str):
        integer = np.issubdtype(frames.dtype, np.integer)
        if self.dtype == 'float32' or (self.dtype == 'auto' and not integer):
            return np.float32
        if frames.dtype != np.uint8:
            raise ValueError(
                f'TemporalDerivative: dtype={self.dtype!r} is exact for uint8 '
                f'frames only, but {source} has {frames.dtype} frames; use '
                "dtype='float32'.")
        return np.int16

    def transform(self, results: Dict) -> Dict:
        source = results.get('filename', 'this sample')
        num_clips = results.get('num_clips', 1)
        clips = self._as_views(results['imgs'],
                               num_clips if isinstance(num_clips, int) else 1,
                               source)
        needed = max(self.orders) + 1
        if clips.shape[1] < needed:
            raise ValueError(
                f'TemporalDerivative: a clip of {source} has {clips.shape[1]} '
                f'frames, but orders {self.orders} need T + {max(self.orders)} '
                f'frames with T >= 1; sample clip_len = T + '
                f'{max(self.orders)} frames (SampleFrames clip_len).')
        if self.compute_on == 'device':
            results['imgs'] = clips
        else:
            clips = clips.astype(self._out_dtype(clips, source), copy=False)
            results['imgs'] = np.stack(
                temporal_derivatives(clips, self.orders, time_dim=1), axis=1)
        results['clip_len'] = clips.shape[1] - max(self.orders)
        results['derivative_orders'] = self.orders
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(orders={self.orders}, '
                f'dtype={self.dtype!r}, compute_on={self.compute_on!r})')
