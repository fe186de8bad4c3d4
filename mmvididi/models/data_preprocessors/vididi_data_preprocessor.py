"""ViDiDiDataPreprocessor: batches of views to normalised clips, one per order."""
import numbers
import warnings
from typing import Dict, List, Mapping, Optional, Sequence, Union

import numpy as np
import torch
from mmaction.registry import MODELS
from mmengine.model import BaseDataPreprocessor

from mmvididi.camera_augment import CameraMotionAugment
from mmvididi.derivatives import MAX_ORDER, check_orders, temporal_derivatives
from mmvididi.motion_compensation import (CAMERA_KEY, MOTION_MODELS,
                                          MotionCompensation)
from mmvididi.static_frame_mix import StaticFrameMix

DERIVATIVE_NORMS = ('clip_rms', 'std')
#: the scale of an order that ``derivative_scale`` does not name
DEFAULT_DERIVATIVE_SCALE = 1.0


def parse_derivative_scale(
        scale: Optional[Mapping]) -> Dict[int, float]:
    """``derivative_scale`` as ``{order: scale}`` with int orders 1 ..
    ``MAX_ORDER`` and positive float scales.

    An order may be written as a string of its digits: ``--cfg-options
    model.data_preprocessor.derivative_scale.1=0.5`` gives ``{'1': 0.5}``
    (a dotted key is a string); merged into a config's ``{1: ...}`` the
    string, which comes later, wins. Anything else is a ValueError that names
    the fix (a silently ignored scale would train another model).
    """
    if scale is not None and not isinstance(scale, Mapping):
        raise ValueError(
            f'ViDiDiDataPreprocessor: derivative_scale={scale!r} is not a '
            'dict; give {order: scale}, e.g. derivative_scale={1: 0.5}.')
    parsed = {}
    for key, value in dict(scale or {}).items():
        order = int(key) if isinstance(key, str) and key.strip().isdigit() \
            else key
        if isinstance(order, bool) or \
                not isinstance(order, numbers.Integral) or \
                not 1 <= order <= MAX_ORDER:
            raise ValueError(
                f'ViDiDiDataPreprocessor: derivative_scale key {key!r} is not '
                f'a derivative order; give {{order: scale}} with orders in '
                f'1..{MAX_ORDER}, e.g. derivative_scale={{1: 0.5}} (on the '
                'command line: model.data_preprocessor.derivative_scale.1=0.5'
                ').')
        try:
            value = float(value)
        except (TypeError, ValueError):
            value = float('nan')
        if not value > 0:
            raise ValueError(
                f'ViDiDiDataPreprocessor: derivative_scale[{order}]='
                f'{scale[key]!r} is not a positive number; the order is '
                'divided by std x scale.')
        parsed[int(order)] = value
    return parsed


def _build_option(component: type, key: str, arguments: dict):
    """``component(**arguments)``; wrong arguments are a ValueError that names
    the preprocessor's ``key`` and the component to look up."""
    try:
        return component(**arguments)
    except TypeError as error:
        raise ValueError(
            f'ViDiDiDataPreprocessor: {key}={arguments!r}: {error}; see '
            f'{component.__name__} for its arguments.') from None


@MODELS.register_module()
class ViDiDiDataPreprocessor(BaseDataPreprocessor):
    """Stack, move to the device, differentiate and normalise ViDiDi batches.

    Takes what ``TemporalDerivative`` packs, per sample:

    - ``compute_on='device'``: the views' frames, ``V x (T + k) x H x W x C``
      uint8, ``k = max(derivative_orders)``. Only these bytes cross to the
      device; the orders are computed there, exactly, in float32.
    - ``compute_on='host'``: ``V x O x T x H x W x C`` orders (int16 or float32).

    Normalisation, per view and order (units: 0-255 grey levels in):

    - order 0: ``(x - mean) / std`` per channel, as MMAction2 does;
    - order n >= 1, ``derivative_norm='clip_rms'`` (default):
      ``x_n / max(rms(x_n), min_rms)``, the RMS over the view's ``C x T x H x W``,
      so that every order has unit spread like order 0 whatever the amount of
      motion, and the shared BatchNorm layers see comparable inputs from every
      order; ``'std'``: ``x_n / (std * derivative_scale[n])``, a fixed scale
      (1 gives the derivatives of the order-0 normalised clip).

    Args:
        mean, std: per-channel statistics of the frames (RGB, 0-255).
        derivative_norm: ``'clip_rms'`` or ``'std'``.
        min_rms: floor of the RMS, in grey levels, so that a static clip's
            derivatives stay near zero. Defaults to 1.
        derivative_scale: ``{order: scale}`` for ``'std'``; missing orders 1
            (``DEFAULT_DERIVATIVE_SCALE``); an order may be a string of its
            digits, as a dotted ``--cfg-options`` key gives it. Ignored, with
            a warning, by ``'clip_rms'``.
        orders: the orders to return in training; ``ViDiDiRecognizer`` sets
            its own. In evaluation (``training=False``) every order the data
            has is returned: the test pipeline's ``TemporalDerivative`` decides.
        motion_compensation: off (``None``, the default, or ``'none'``), or
            camera-motion compensation before differencing
            (:mod:`mmvididi.motion_compensation`): a motion model
            (``'translation'``, ``'similarity'``, ``'affine'``) or a dict of
            ``MotionCompensation`` arguments (``model``, ``levels``,
            ``iterations``, ``interpolation``, ``stabilize``,
            ``from_reference``, ``identity_fallback``, ...). Order n
            at t is then the difference of frames t..t+n warped onto frame
            t; pixels the warp leaves without data are 0 in every order >= 1
            and left out of ``clip_rms``. With ``stabilize=True`` every
            frame is warped onto the middle frame of order 0, the frames
            too (a stabilised clip, for the baseline's order 0 as well):
            pixels without data are 0 in every order, order 0 after its
            normalisation (the mean colour). It applies in training and in
            evaluation alike: the model sees clips as it was trained on
            them. Needs the frames: ``TemporalDerivative(
            compute_on='device')``. With ``motion_source='supplied'`` the
            motions come from the cameras each sample carries
            (``LoadCameraMotion`` in the view pipeline, ``CAMERA_KEY`` in
            ``PackActionInputs``' ``meta_keys``).
        static_frame_mix: off (``None``, the default), or a dict of
            :class:`~mmvididi.static_frame_mix.StaticFrameMix` arguments
            (``prob``, ``max_weight``): in training only, each view's frames
            (order 0) get a still frame of another video of the batch,
            ``(1 - w) x + w s``, which no derivative can see; the other orders
            are left as computed.
        camera_augment: off (``None``, the default), or a dict of
            :class:`~mmvididi.camera_augment.CameraMotionAugment` arguments
            (``pan``, ``zoom``, ``rotation``, ``prob``): in training only,
            each view's frames get a random camera move of their own before
            the orders are computed, so that the two views of a video share
            the motion in the scene but not the camera's. Needs the frames:
            ``TemporalDerivative(compute_on='device')``.

    Returns (``forward``): ``inputs``, a dict ``{order: (N, V, C, T, H, W)}``
    float32, and the data samples.
    """

    def __init__(self,
                 mean: Sequence[float] = (123.675, 116.28, 103.53),
                 std: Sequence[float] = (58.395, 57.12, 57.375),
                 derivative_norm: str = 'clip_rms',
                 min_rms: float = 1.0,
                 derivative_scale: Optional[Dict[int, float]] = None,
                 orders: Optional[Sequence[int]] = None,
                 motion_compensation: Union[None, str, dict] = None,
                 static_frame_mix: Optional[dict] = None,
                 camera_augment: Optional[dict] = None) -> None:
        super().__init__()
        if derivative_norm not in DERIVATIVE_NORMS:
            raise ValueError(
                f'ViDiDiDataPreprocessor: derivative_norm={derivative_norm!r} '
                f'is not one of {DERIVATIVE_NORMS}.')
        self.register_buffer('mean', torch.tensor(mean, dtype=torch.float32),
                             False)
        self.register_buffer('std', torch.tensor(std, dtype=torch.float32),
                             False)
        self.derivative_norm = derivative_norm
        self.min_rms = min_rms
        self.derivative_scale = parse_derivative_scale(derivative_scale)
        if derivative_norm != 'std' and any(
                scale != DEFAULT_DERIVATIVE_SCALE
                for scale in self.derivative_scale.values()):
            warnings.warn(
                f'ViDiDiDataPreprocessor: derivative_scale='
                f'{self.derivative_scale} is ignored: derivative_norm='
                f"{derivative_norm!r} scales every clip by its own RMS; set "
                "derivative_norm='std' to use it.", stacklevel=2)
        self.orders = None if orders is None else check_orders(
            orders, 'ViDiDiDataPreprocessor')
        self.motion_compensation = self._build_compensation(motion_compensation)
        self.static_frame_mix = self._build_option_dict(
            StaticFrameMix, 'static_frame_mix', static_frame_mix,
            'dict(prob=1.0, max_weight=0.5)')
        self.camera_augment = self._build_option_dict(
            CameraMotionAugment, 'camera_augment', camera_augment,
            'dict(pan=0.3, zoom=0.12, rotation=6.0)')
        if self.camera_augment is not None and self.supplies_cameras:
            raise ValueError(
                'ViDiDiDataPreprocessor: camera_augment moves the frames by a '
                "camera that motion_compensation's supplied cameras do not "
                "know; use one of them, or motion_source='estimate'.")

    @staticmethod
    def _build_compensation(
            option: Union[None, str, dict]) -> Optional[MotionCompensation]:
        if option is None or option == 'none':
            return None
        options = dict(model=option) if isinstance(option, str) else option
        if not isinstance(options, dict) or options.get(
                'model', 'similarity') not in MOTION_MODELS:
            raise ValueError(
                'ViDiDiDataPreprocessor: motion_compensation='
                f'{option!r} is not valid; give None (off), one of '
                f'{tuple(MOTION_MODELS)}, or a dict of MotionCompensation '
                "arguments, e.g. dict(model='similarity').")
        return _build_option(MotionCompensation, 'motion_compensation', options)

    @staticmethod
    def _build_option_dict(component: type, key: str,
                           option: Optional[dict], example: str):
        """None (off), or ``component(**option)``."""
        if option is None:
            return None
        if not isinstance(option, dict):
            raise ValueError(
                f'ViDiDiDataPreprocessor: {key}={option!r} is not valid; give '
                f'None (off) or a dict of {component.__name__} arguments, '
                f'e.g. {example}.')
        return _build_option(component, key, option)

    def evaluation_settings(self) -> dict:
        """The arguments that decide the clips the encoder sees in
        evaluation (the training-only options left out), as plain values: a
        checkpoint's features are those of clips prepared this way
        (:mod:`mmvididi.utils.preprocessing_match` compares them)."""
        compensation = self.motion_compensation
        return dict(
            mean=[round(float(x), 6) for x in self.mean],
            std=[round(float(x), 6) for x in self.std],
            derivative_norm=self.derivative_norm, min_rms=float(self.min_rms),
            derivative_scale=self.effective_derivative_scale(),
            motion_compensation=None if compensation is None
            else compensation.settings())

    def effective_derivative_scale(self) -> Dict[int, float]:
        """The scale of every derivative order 1 .. ``MAX_ORDER`` as it acts
        on a clip: ``derivative_scale``'s under ``'std'``, else (orders it
        leaves out, every order under ``'clip_rms'``, which ignores it)
        ``DEFAULT_DERIVATIVE_SCALE``. Complete, so that two preprocessors
        differ here exactly where their scales differ."""
        used = self.derivative_scale if self.derivative_norm == 'std' else {}
        return {order: used.get(order, DEFAULT_DERIVATIVE_SCALE)
                for order in range(1, MAX_ORDER + 1)}

    @property
    def supplies_cameras(self) -> bool:
        """Whether ``motion_compensation`` takes its motions from the cameras
        the samples carry (``motion_source='supplied'``)."""
        return self.motion_compensation is not None and \
            self.motion_compensation.supplied

    def sample_cameras(self, samples: Sequence, views: int,
                       length: int) -> torch.Tensor:
        """The ``(N, V, length, 2, 3)`` cameras of the samples' first
        ``length`` frames of each of ``views`` clips, from their
        :data:`~mmvididi.motion_compensation.CAMERA_KEY` metainfo (one
        ``(L, 2, 3)`` array a view, as ``MultiView`` gives them, or the
        clips' ``(V * L, 2, 3)`` one after the other)."""
        cameras = []
        for sample in samples:
            if CAMERA_KEY not in sample:
                raise ValueError(
                    "ViDiDiDataPreprocessor: motion_source='supplied' needs "
                    f"each sample's cameras ({CAMERA_KEY!r}); add "
                    "dict(type='LoadCameraMotion') to the view pipeline after "
                    f"its Resize and {CAMERA_KEY!r} to PackActionInputs' "
                    'meta_keys.')
            camera = torch.as_tensor(np.asarray(sample.get(CAMERA_KEY)),
                                     dtype=torch.float64)
            cameras.append(camera.reshape(views, -1, 2, 3)[:, :length])
        return torch.stack(cameras)

    def compensates(self, orders: Sequence[int]) -> bool:
        """Whether ``orders`` are computed by ``motion_compensation``: some
        order above 0, or any order of a stabilised clip."""
        return self.motion_compensation is not None and (
            max(orders) > 0 or self.motion_compensation.stabilize)

    def normalise(self, x: torch.Tensor, order: int,
                  valid: Optional[torch.Tensor] = None) -> torch.Tensor:
        """``(N, V, T, H, W, C)`` order-``order`` clips, normalised;
        ``valid`` ``(N, V, T, H, W)``: the pixels with data (all if None):
        those ``clip_rms`` averages over, and of order 0 those kept (the
        others are 0, the mean colour)."""
        if order == 0:
            normalised = (x - self.mean) / self.std
            return normalised if valid is None else \
                normalised * valid[..., None]
        if self.derivative_norm == 'std':
            return x / (self.std * self.derivative_scale.get(
                order, DEFAULT_DERIVATIVE_SCALE))
        if valid is None:
            rms = x.pow(2).mean(dim=(2, 3, 4, 5), keepdim=True).sqrt()
        else:
            count = valid.sum(dim=(2, 3, 4), keepdim=True)[..., None]
            rms = (x.pow(2).sum(dim=(2, 3, 4, 5), keepdim=True) /
                   (count.clamp_min(1) * x.shape[-1])).sqrt()
        return x / rms.clamp_min(self.min_rms)

    @torch.no_grad()
    def compensated_derivatives(self, frames: torch.Tensor,
                                orders: Sequence[int],
                                cameras: Optional[torch.Tensor] = None
                                ) -> tuple:
        """``(N, V, T + k, H, W, C)`` float frames (and, for supplied
        motions, their ``(N, V, T + k, 2, 3)`` cameras) to the orders of
        frames aligned for camera motion, and their ``(N, V, T, H, W)``
        valid pixels (``None`` for order 0 unless the clip is
        stabilised)."""
        num, views = frames.shape[:2]
        outputs, masks = self.motion_compensation.derivatives(
            frames.flatten(0, 1), orders,
            None if cameras is None else cameras.flatten(0, 1))
        clips: List[torch.Tensor] = [
            x.view((num, views) + x.shape[1:]) for x in outputs]
        stabilised = self.motion_compensation.stabilize
        valid = [None if order == 0 and not stabilised else
                 m.view((num, views) + m.shape[1:])
                 for order, m in zip(orders, masks)]
        return clips, valid

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        samples = data['data_samples']
        available = tuple(samples[0].derivative_orders)
        orders = (self.orders or available) if training else available
        missing = sorted(set(orders) - set(available))
        if missing:
            raise ValueError(
                f'ViDiDiDataPreprocessor: the model uses orders {orders} but the '
                f'pipeline gives {available}; add {missing} to the orders of '
                'TemporalDerivative in the dataset config.')
        batch = torch.stack(data['inputs'])
        valid = [None] * len(orders)
        camera_augment = self.camera_augment if training else None
        if batch.ndim == 7:  # host: N x V x O x T x H x W x C
            needs_frames = []  # the options that work on the frames
            if self.compensates(orders):
                needs_frames.append('motion_compensation')
            if camera_augment is not None:
                needs_frames.append('camera_augment')
            if needs_frames:
                raise ValueError(
                    f'ViDiDiDataPreprocessor: {" and ".join(needs_frames)} '
                    'needs the frames, but the pipeline computed the orders on '
                    "the host; set TemporalDerivative(compute_on='device') in "
                    'the dataset config.')
            clips = [batch[:, :, available.index(o)].float() for o in orders]
        elif batch.ndim == 6:  # device: N x V x (T + k) x H x W x C frames
            length = batch.shape[2] - max(available) + max(orders)
            frames = batch[:, :, :length].float()
            if camera_augment is not None:
                frames = camera_augment(frames)
            if self.compensates(orders):
                cameras = self.sample_cameras(
                    samples, frames.shape[1], length) \
                    if self.supplies_cameras else None
                clips, valid = self.compensated_derivatives(frames, orders,
                                                            cameras)
            else:
                clips = temporal_derivatives(frames, orders, time_dim=2)
        else:
            raise ValueError(
                'ViDiDiDataPreprocessor: expected TemporalDerivative output '
                '(V x O x T x H x W x C or V x T x H x W x C a sample), got '
                f'{tuple(batch.shape[1:])}.')
        if training and self.static_frame_mix is not None and 0 in orders:
            index = orders.index(0)
            clips[index] = self.static_frame_mix(clips[index])
        data['inputs'] = {  # a view of the channel-last data: the model
            order: self.normalise(clip, order, mask).permute(0, 1, 5, 2, 3, 4)
            for order, clip, mask in zip(orders, clips, valid)
        }  # picks its memory format
        return data
