"""Reading videos: decoder backends (PyAV, TorchCodec, decord) behind one
interface, used by the decoding transforms in ``mmvididi.datasets.transforms``.

Contract with the rest of mmvididi:

- ``VIDEO_SOURCE_KEY``: the ``results`` key under which the opening transform
  (``VideoInit``) leaves the opened video; MMAction2's own name, so that its
  transforms find it. The decoding transform leaves it there.
- The opened video (a :class:`Video`) has an attribute ``partial``: ``None``
  while every frame asked for decoded, else a one-line reason (e.g. a
  truncated file whose header claims 40 frames and which holds 19).
  ``SkipBrokenVideoDataset`` reads it after a sample is done and lists such
  videos as partial in ``bad_videos.txt``. The views of ``MultiView`` share
  the object, so a reason found by any view is on it.

Backends register with :func:`register_backend` and open with
:func:`open_video`; ``DEFAULT_BACKEND`` is the one the configs use. Importing
this package imports neither decord nor TorchCodec.
"""
from mmvididi.video.base import (BACKENDS, Video, VideoDecodeError, open_video,
                                 register_backend)
from mmvididi.video.decord_backend import DecordVideo
from mmvididi.video.pyav_backend import PyAVVideo
from mmvididi.video.stream_index import StreamIndex, scan_file
from mmvididi.video.torchcodec_backend import (TorchCodecVideo,
                                               torchcodec_unavailable)

VIDEO_SOURCE_KEY = 'video_reader'
PARTIAL_ATTRIBUTE = 'partial'
#: Exact on every container the tests cover, and the fastest of the exact
#: ones (docs/benchmarks.md, docs/method.md "Decoding").
DEFAULT_BACKEND = 'pyav'

__all__ = ['BACKENDS', 'DEFAULT_BACKEND', 'DecordVideo', 'PARTIAL_ATTRIBUTE',
           'PyAVVideo', 'StreamIndex', 'TorchCodecVideo', 'VIDEO_SOURCE_KEY',
           'Video', 'VideoDecodeError', 'open_video', 'register_backend',
           'scan_file', 'torchcodec_unavailable']
