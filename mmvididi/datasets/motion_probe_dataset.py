"""MotionProbeDataset: each video of a list as clips at speeds and directions."""
from typing import List, Sequence

from mmaction.registry import DATASETS
from mmengine.logging import print_log

from mmvididi.datasets.skip_broken_video_dataset import SkipBrokenVideoDataset
from mmvididi.datasets.transforms.motion_probe_sample_frames import probe_span
from mmvididi.video import DEFAULT_BACKEND, open_video

#: Directions of a clip: as recorded, and time-reversed.
DIRECTIONS = (False, True)


def count_frames(filename: str, backend: str = DEFAULT_BACKEND) -> int:
    """Frames of a video, counted as ``VideoInit`` counts them."""
    try:
        return open_video(filename, backend).num_frames
    except Exception as error:
        raise ValueError(f'video {filename} cannot be read ({error}); '
                         're-encode it or remove it from the list.') from None


@DATASETS.register_module()
class MotionProbeDataset(SkipBrokenVideoDataset):
    """The clips of a motion probe: every video of a VideoDataset list (labels
    ignored) at playback speeds ``speeds`` x (every ``frame_interval *
    speed``-th frame), forward and time-reversed, and, with ``shuffled``, its
    1x forward clip in a shuffled frame order; at ``num_positions`` places in
    the video. ``MotionProbeSampleFrames`` picks the frames of each clip;
    ``MotionProbeMetric`` trains and tests linear probes on their features.

    Each data info carries ``probe_source`` (the video's line in the list),
    ``probe_speed``, ``probe_reversed``, ``probe_shuffled``,
    ``probe_position`` and the sampling parameters (``PROBE_KEYS``);
    ``PackActionInputs`` must keep the first five in ``meta_keys``.

    Args:
        ann_file: VideoDataset annotation file (``<path> [<label>]`` a line).
        clip_len: frames a clip.
        frame_interval: frames between a 1x clip's frames.
        speeds: playback speeds, increasing integers.
        num_positions: clips of each variant a video, spread over it.
        shuffled: add the shuffled clip (frame-shuffle sensitivity).
        skip_short: count every video's frames when the dataset is built and
            leave out, with a warning, those too short for the fastest clip;
            ``False``: such a video stops the test with an error naming it.
        seed: of the shuffled orders.
        backend: the decoder backend that counts the frames (``VideoInit``'s).
        **kwargs: as ``VideoDataset`` (``pipeline``, ``data_prefix``, ...).
    """

    def __init__(self, ann_file: str, clip_len: int = 16,
                 frame_interval: int = 1, speeds: Sequence[int] = (1, 2, 4),
                 num_positions: int = 1, shuffled: bool = True,
                 skip_short: bool = True, seed: int = 0,
                 backend: str = DEFAULT_BACKEND, **kwargs) -> None:
        speeds = tuple(int(s) for s in speeds)
        if not speeds or list(speeds) != sorted(set(speeds)) or speeds[0] < 1:
            raise ValueError(f'MotionProbeDataset: speeds={speeds} must be '
                             'increasing positive integers, e.g. (1, 2, 4).')
        if clip_len < 2 or frame_interval < 1 or num_positions < 1:
            raise ValueError('MotionProbeDataset: clip_len must be >= 2, '
                             'frame_interval and num_positions >= 1.')
        self.clip_len = clip_len
        self.frame_interval = frame_interval
        self.speeds = speeds
        self.num_positions = num_positions
        self.shuffled = shuffled
        self.skip_short = skip_short
        self.seed = seed
        self.backend = backend
        kwargs.setdefault('test_mode', True)
        super().__init__(ann_file=ann_file, **kwargs)

    def load_data_list(self) -> List[dict]:
        videos = super().load_data_list()
        needed = probe_span(self.clip_len, self.frame_interval, self.speeds[-1])
        if self.skip_short:
            short = [v['filename'] for v in videos
                     if count_frames(v['filename'], self.backend) < needed]
            if short:
                print_log(
                    f'MotionProbeDataset: left out {len(short)} of '
                    f'{len(videos)} videos shorter than {needed} frames (the '
                    f'{self.speeds[-1]}x clip), e.g. {short[:3]}', 'current',
                    level=30)
            short = set(short)
        else:
            short = set()
        sampling = dict(probe_num_positions=self.num_positions,
                        probe_max_speed=self.speeds[-1],
                        probe_clip_len=self.clip_len,
                        probe_frame_interval=self.frame_interval,
                        probe_seed=self.seed)
        variants = [(speed, reverse, False) for speed in self.speeds
                    for reverse in DIRECTIONS]
        if self.shuffled:
            variants.append((self.speeds[0], False, True))
        data_list = []
        for source, video in enumerate(videos):
            if video['filename'] in short:
                continue
            for position in range(self.num_positions):
                for speed, reverse, shuffle in variants:
                    data_list.append(dict(
                        video, probe_source=source, probe_speed=speed,
                        probe_reversed=reverse, probe_shuffled=shuffle,
                        probe_position=position, **sampling))
        if not data_list:
            raise ValueError(
                f'MotionProbeDataset: no video of {self.ann_file} has the '
                f'{needed} frames a {self.speeds[-1]}x clip of {self.clip_len} '
                f'frames every {self.frame_interval} needs; lower clip_len or '
                'frame_interval.')
        return data_list
