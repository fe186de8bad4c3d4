"""SafeDecordInit: the former name of VideoInit, kept for existing configs."""
from mmaction.registry import TRANSFORMS

from mmvididi.datasets.transforms.video_decode import VideoInit


@TRANSFORMS.register_module()
class SafeDecordInit(VideoInit):
    """:class:`VideoInit` under its former name, so that configs written for
    earlier versions of mmvididi keep working; new configs use ``VideoInit``.

    It opens videos by path with the default backend (PyAV), which decodes
    exactly, not with decord, which it was named after: decord returns wrong
    frames on AVI files with B-frames, open GOPs and reused readers
    (docs/method.md "Decoding"). ``backend='decord'`` opens with decord where
    that is exact. Same arguments as ``VideoInit``.
    """
