"""TorchCodec backend: PyTorch's decoder in its exact seek mode (CPU)."""
from pathlib import Path
from typing import Dict, Optional

import numpy as np

from mmvididi.video.base import Video, VideoDecodeError, register_backend
from mmvididi.video.stream_index import HEADER_SLACK, scan_file

INSTALL_HINT = ('pip install torchcodec, and the FFmpeg libraries (4 to 8) it '
                'loads: e.g. apt-get install ffmpeg, brew install ffmpeg or '
                'conda install ffmpeg')


def torchcodec_unavailable() -> Optional[str]:
    """None if TorchCodec can decode videos here, else why not (one line)."""
    try:
        import torchcodec._core as core
        from torchcodec.decoders import VideoDecoder  # noqa: F401
    except Exception as error:  # ImportError, or a broken install
        return f'torchcodec does not import ({error}); {INSTALL_HINT}'
    if getattr(core, 'ffmpeg_major_version', None) is None:
        return f'torchcodec finds no FFmpeg libraries; {INSTALL_HINT}'
    return None


@register_backend('torchcodec')
class TorchCodecVideo(Video):
    """A video decoded by TorchCodec's ``VideoDecoder(seek_mode='exact')``.

    The exact mode scans the file's packets when it opens and finds each frame
    by its pts after seeking to the keyframe before it, as the PyAV backend
    does; it uses the system's FFmpeg libraries. It is exact on H.264 MP4
    with B-frames and open GOPs, VP9 MKV, variable frame rates and AVI files
    without B-frames, but not on AVI files with B-frames (UCF101, HMDB51):
    there TorchCodec 0.17 returns the frame before the one asked for after a
    seek and fails on the last frame (``tests/test_decoders.py`` checks it),
    so such files are refused with an error naming the PyAV backend.

    Args:
        filename: the video file.
        num_threads: FFmpeg decoding threads (per dataloader worker); 1 by
            default, 0 lets FFmpeg choose.
    """

    def __init__(self, filename: str, num_threads: int = 1) -> None:
        super().__init__(filename, num_threads)
        reason = torchcodec_unavailable()
        if reason:
            raise RuntimeError(f'video backend torchcodec: {reason}; or use '
                               "backend='pyav'.")
        from torchcodec.decoders import VideoDecoder
        if Path(self.filename).suffix.lower() == '.avi':
            self._refuse_reordered_avi()
        try:
            self._decoder = VideoDecoder(
                self.filename, seek_mode='exact', dimension_order='NHWC',
                num_ffmpeg_threads=num_threads, device='cpu')
        except Exception as error:
            raise VideoDecodeError(f'video {self.filename} cannot be decoded '
                                   f'({error}); re-encode or remove it.') \
                from None
        meta = self._decoder.metadata
        self.num_frames = int(meta.num_frames or 0)
        self.fps = float(meta.average_fps or 0.0)
        if self.num_frames == 0:
            self.close()
            raise VideoDecodeError(f'video {self.filename} has no decodable '
                                   'frame; re-encode or remove it.')
        claimed = int(meta.num_frames_from_header or 0)
        if claimed - self.num_frames > HEADER_SLACK:
            self.mark_partial(f'the header claims {claimed} frames, the file '
                              f'holds {self.num_frames} (truncated?)')

    def _refuse_reordered_avi(self) -> None:
        import av
        try:
            reordered = scan_file(self.filename).reordered
        except (av.error.FFmpegError, IndexError) as error:
            raise VideoDecodeError(f'video {self.filename} cannot be decoded '
                                   f'({error}); re-encode or remove it.') \
                from None
        if reordered:
            raise VideoDecodeError(
                f'video {self.filename}: an AVI file with B-frames, on which '
                "TorchCodec returns wrong frames; use backend='pyav' for it.")

    def close(self) -> None:
        self._decoder = None

    def _decode(self, wanted: np.ndarray) -> Dict[int, np.ndarray]:
        if self._decoder is None:
            raise VideoDecodeError(f'video {self.filename} is closed.')
        try:
            batch = self._decoder.get_frames_at(wanted.tolist()).data.numpy()
            return dict(zip(wanted.tolist(), batch))
        except RuntimeError as error:  # a frame that does not decode
            self.mark_partial(f'decode error: {error}')
        found = {}
        for i in wanted.tolist():  # keep those that do
            try:
                found[i] = self._decoder.get_frame_at(i).data.numpy()
            except RuntimeError:
                pass
        return found
