"""Reading videos: decoder backends (PyAV, TorchCodec, decord) behind one
interface, used by the decoding transforms in ``mmvididi.datasets.transforms``.

Contract with the rest of mmvididi (filled in by the decoding work of issue 11):

- ``VIDEO_SOURCE_KEY``: the ``results`` key under which the opening transform
  leaves the opened video; MMAction2's own name, so that its transforms find it.
- The opened video has an attribute ``partial``: ``None`` while every frame
  asked for decoded, else a one-line reason (e.g. a truncated file that
  decodes up to frame 812). ``SkipBrokenVideoDataset`` reads it after a sample
  is done and lists such videos as partial in ``bad_videos.txt``.
"""
VIDEO_SOURCE_KEY = 'video_reader'
PARTIAL_ATTRIBUTE = 'partial'

__all__ = ['PARTIAL_ATTRIBUTE', 'VIDEO_SOURCE_KEY']
