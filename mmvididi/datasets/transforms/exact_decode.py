"""ExactVideoDecode: the former name of VideoDecode, kept for existing
configs."""
import warnings

from mmaction.registry import TRANSFORMS

from mmvididi.datasets.transforms.video_decode import VideoDecode
from mmvididi.video import DEFAULT_BACKEND

#: The former ``sequential`` modes; every backend is now exact, so they no
#: longer change anything.
SEQUENTIAL = ('auto', 'always', 'never')


@TRANSFORMS.register_module()
class ExactVideoDecode(VideoDecode):
    """:class:`VideoDecode` under its former name, so that configs written for
    earlier versions of mmvididi keep working; new configs use
    ``VideoDecode``.

    Args:
        sequential: ignored (with a warning unless ``'auto'``): decoding is
            exact for every container, by seeking to the keyframe before a
            clip and decoding forward. Must be one of ``SEQUENTIAL``.
        backend: as ``VideoDecode``.
    """

    def __init__(self, sequential: str = 'auto',
                 backend: str = DEFAULT_BACKEND) -> None:
        if sequential not in SEQUENTIAL:
            raise ValueError(f'ExactVideoDecode: sequential={sequential!r} is '
                             f'not one of {SEQUENTIAL}.')
        if sequential != 'auto':
            warnings.warn(f'ExactVideoDecode(sequential={sequential!r}) is '
                          'ignored: every container is now decoded exactly by '
                          'seeking to the keyframe before a clip; use '
                          'VideoDecode.', DeprecationWarning, stacklevel=2)
        super().__init__(backend=backend)
