"""VideoInit and VideoDecode: open a video, decode exactly the frames asked
for, with a configurable backend (``mmvididi.video``)."""
from pathlib import Path
from typing import Dict

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from mmvididi.video import (BACKENDS, DEFAULT_BACKEND, VIDEO_SOURCE_KEY, Video,
                            open_video)


def _check_backend(owner: str, backend: str) -> None:
    if backend not in BACKENDS:
        raise ValueError(f'{owner}: backend={backend!r} is not one of '
                         f'{sorted(BACKENDS)}.')


@TRANSFORMS.register_module()
class VideoInit(BaseTransform):
    """Open ``filename`` with a decoder backend, by its path, or say why not.

    The counterpart of MMAction2's ``DecordInit`` / ``PyAVInit``. The opened
    :class:`~mmvididi.video.Video` goes to ``results['video_reader']``
    (``VIDEO_SOURCE_KEY``), where the views of ``MultiView`` share it and the
    dataset reads its ``partial`` reason after the sample. A missing or empty
    file, or one the backend cannot open, raises an error that names it;
    ``SkipBrokenVideoDataset`` turns such errors into skipped videos.

    Required keys: filename. Added keys: video_reader, total_frames (counted
    from the file's packets, not read from its header), avg_fps.

    Args:
        backend: ``'pyav'`` (default: exact on every container tested, see
            docs/method.md), ``'torchcodec'`` (needs FFmpeg libraries) or
            ``'decord'`` (optional; refuses files it decodes wrongly).
        num_threads: decoding threads in each dataloader worker. Defaults to
            1: the workers are the parallelism.
    """

    def __init__(self, backend: str = DEFAULT_BACKEND,
                 num_threads: int = 1) -> None:
        _check_backend(self.__class__.__name__, backend)
        if num_threads < 0:
            raise ValueError(f'{self.__class__.__name__}: num_threads='
                             f'{num_threads} must be >= 0.')
        self.backend = backend
        self.num_threads = num_threads

    def transform(self, results: Dict) -> Dict:
        path = Path(results['filename'])
        if not path.is_file():
            raise FileNotFoundError(f'video {path} does not exist; fix the '
                                    'annotation file or the data_prefix.')
        if path.stat().st_size == 0:
            raise ValueError(f'video {path} is empty (0 bytes); re-download '
                             'it or remove it from the annotation file.')
        video = open_video(str(path), self.backend, self.num_threads)
        results[VIDEO_SOURCE_KEY] = video
        results['total_frames'] = video.num_frames
        results['avg_fps'] = video.fps
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(backend={self.backend!r}, '
                f'num_threads={self.num_threads})')


@TRANSFORMS.register_module()
class VideoDecode(BaseTransform):
    """Decode exactly the frames at ``frame_inds`` from the opened video.

    Each frame equals frame ``i`` of a full sequential decode of the file
    (docs/method.md "Decoding"): the backends seek to the keyframe before a
    clip and decode forward, identifying frames by their timestamps. An index
    past the last decodable frame becomes that frame (AVI headers may claim
    one frame more than the file holds); frames that do not decode become the
    nearest earlier one, and the video's ``partial`` says so.

    The opened video stays in ``results`` (unlike ``DecordDecode``, which sets
    it to None) so that the dataset can read ``partial``; it holds no decoded
    frame, and its decoder is freed with the sample's ``results``.
    ``results['video_reader']`` that is not a :class:`~mmvididi.video.Video`
    (e.g. from MMAction2's ``DecordInit``) is not trusted: the file is opened
    by its path with ``backend``.

    Required keys: video_reader, frame_inds, filename. Added keys: imgs (list
    of ``H x W x 3`` uint8 RGB frames), original_shape, img_shape.

    Args:
        backend: the backend for a file not opened by ``VideoInit``. Defaults
            to the default backend.
    """

    def __init__(self, backend: str = DEFAULT_BACKEND) -> None:
        _check_backend(self.__class__.__name__, backend)
        self.backend = backend

    def transform(self, results: Dict) -> Dict:
        video = results.get(VIDEO_SOURCE_KEY)
        if not isinstance(video, Video):
            video = open_video(results['filename'], self.backend)
        imgs = video.get_frames(np.asarray(results['frame_inds']).reshape(-1))
        results['imgs'] = imgs
        results['original_shape'] = results['img_shape'] = imgs[0].shape[:2]
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(backend={self.backend!r})'
