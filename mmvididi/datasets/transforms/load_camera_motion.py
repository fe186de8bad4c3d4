"""LoadCameraMotion: the known camera of a clip, for supplied motion compensation."""
from pathlib import Path
from typing import Dict

import numpy as np
import torch
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from mmvididi.motion_compensation import CAMERA_KEY, compose

#: The camera file of ``clip.mp4`` is ``clip.camera.npy``, beside it.
CAMERA_SUFFIX = '.camera.npy'


def camera_file(video: str) -> Path:
    """The camera file of the video at ``video`` (:data:`CAMERA_SUFFIX`)."""
    path = Path(video)
    return path.with_name(path.stem + CAMERA_SUFFIX)


def clip_to_video(crop_quadruple: np.ndarray, original_shape,
                  img_shape) -> np.ndarray:
    """The ``2 x 3`` map from the clip's centred pixels (MotionCompensation's
    coordinates) to the video's corner-origin pixels (pixel ``(x, y)``'s
    centre at ``(x, y)``), for a clip cropped to ``crop_quadruple`` (``x, y,
    w, h`` as fractions of the ``original_shape`` ``(H, W)`` frame, MMAction2's)
    and resized to ``img_shape`` ``(h, w)`` (pixel centres scale about the
    corners, as ``cv2.resize`` and MMAction2's ``Resize`` take them)."""
    (height, width), (h, w) = original_shape, img_shape
    x, y, cw, ch = (float(v) for v in crop_quadruple)
    x, cw, y, ch = x * width, cw * width, y * height, ch * height
    # u = (q + 0.5) * (cw / w) - 0.5 + x, q = centred + (w - 1) / 2
    return np.array([[cw / w, 0.0, x + cw / 2 - 0.5],
                     [0.0, ch / h, y + ch / 2 - 0.5]])


@TRANSFORMS.register_module()
class LoadCameraMotion(BaseTransform):
    """Read the camera of the sampled frames from the video's camera file and
    carry it through the crop and resize done so far: the cameras ``C[t]``
    that ``MotionCompensation(motion_source='supplied')`` computes the
    motions from (:mod:`mmvididi.motion_compensation`).

    The camera file of ``videos/a/b.mp4`` is ``videos/a/b.camera.npy``: a
    ``(frames, 2, 3)`` array, one affine map a frame of the video from its
    pixels (corner origin: pixel ``(x, y)``'s centre at ``(x, y)``) to a
    common frame's (the scene's; any frame will do, the motions are its
    ratios). ``tools/data/synthetic_motion/generate.py --write-camera``
    writes the renderer's; another source (a gyroscope, an offline
    stabiliser) needs only to write the same array.

    Place it in the view pipeline after the spatial transforms (crops and
    ``Resize``; a flip is refused) and add :data:`CAMERA_KEY` to
    ``PackActionInputs``' ``meta_keys``.

    Required keys: filename, frame_inds, original_shape, img_shape;
    crop_quadruple if cropped (MMAction2's crops set it).

    Added keys:
        - camera_motion (:data:`CAMERA_KEY`): ``(len(frame_inds), 2, 3)``
          float32 maps from the clip's centred pixels to the common frame's.
    """

    def transform(self, results: Dict) -> Dict:
        filename = results['filename']
        path = camera_file(filename)
        if results.get('flip'):
            raise ValueError(
                f'LoadCameraMotion: {filename} was flipped; the camera of a '
                'flipped clip is not carried: drop the Flip from the pipeline '
                "or use motion_source='estimate'.")
        if not path.is_file():
            raise FileNotFoundError(
                f'LoadCameraMotion: {filename} has no camera file {path}; '
                'write one ((frames, 2, 3) maps from the video\'s pixels to a '
                'common frame, e.g. generate.py --write-camera) or use '
                "motion_compensation with motion_source='estimate'.")
        cameras = np.load(path, allow_pickle=False)
        inds = np.asarray(results['frame_inds']).reshape(-1)
        if cameras.ndim != 3 or cameras.shape[1:] != (2, 3) or \
                inds.max(initial=0) >= len(cameras):
            raise ValueError(
                f'LoadCameraMotion: {path} holds an array of shape '
                f'{cameras.shape}; expected (frames, 2, 3) with a map for '
                f'each frame up to {inds.max(initial=0)}: write it again '
                'for this video.')
        quadruple = results.get('crop_quadruple', (0.0, 0.0, 1.0, 1.0))
        view = clip_to_video(quadruple, results['original_shape'],
                             results['img_shape'])
        # C[t] = camera[t] o view: clip pixels -> video pixels -> common frame
        clip_cameras = compose(
            torch.from_numpy(cameras[inds].astype(np.float64)),
            torch.from_numpy(view))
        results[CAMERA_KEY] = clip_cameras.numpy().astype(np.float32)
        return results
