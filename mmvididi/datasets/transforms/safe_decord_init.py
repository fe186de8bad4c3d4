"""SafeDecordInit: open a video with decord by its path, or say why not."""
from pathlib import Path
from typing import Dict

from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from mmvididi.datasets.transforms.exact_decode import ForwardDecoder


@TRANSFORMS.register_module()
class SafeDecordInit(BaseTransform):
    """Open ``filename`` with decord, as MMAction2's ``DecordInit`` does, but by
    its path rather than through a file object: decord crashes the process
    (segmentation fault) on some truncated AVI files read from a file object,
    and reads them (or raises) by path (tests/test_broken_videos.py).

    A missing or empty file, or one decord cannot open, raises an error that
    names it; ``SkipBrokenVideoDataset`` turns such errors into skipped videos.

    Required keys: filename. Added keys: video_reader, total_frames (counted by
    the decoder, not read from the header), avg_fps, and forward_decoder: a
    lazy ``ForwardDecoder`` that ``ExactVideoDecode`` uses for AVI files.

    Args:
        num_threads: decoding threads. Defaults to 1.
    """

    def __init__(self, num_threads: int = 1) -> None:
        self.num_threads = num_threads

    def transform(self, results: Dict) -> Dict:
        import decord
        path = Path(results['filename'])
        if not path.is_file():
            raise FileNotFoundError(f'video {path} does not exist; fix the '
                                    'annotation file or the data_prefix.')
        if path.stat().st_size == 0:
            raise ValueError(f'video {path} is empty (0 bytes); re-download '
                             'it or remove it from the annotation file.')
        try:
            reader = decord.VideoReader(str(path), num_threads=self.num_threads)
        except Exception as error:
            raise ValueError(f'video {path} cannot be decoded ({error}); '
                             're-encode or remove it.') from None
        if len(reader) == 0:
            raise ValueError(f'video {path} has no decodable frame.')
        results['video_reader'] = reader
        results['forward_decoder'] = ForwardDecoder(str(path))
        results['total_frames'] = len(reader)
        results['avg_fps'] = reader.get_avg_fps()
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(num_threads={self.num_threads})'
