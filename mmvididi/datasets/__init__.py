from mmvididi.datasets.motion_probe_dataset import MotionProbeDataset
from mmvididi.datasets.reproducible_dataset import ReproducibleDataset
from mmvididi.datasets.samplers import ReproducibleSampler
from mmvididi.datasets.skip_broken_video_dataset import SkipBrokenVideoDataset
from mmvididi.datasets.transforms import (ExactVideoDecode, MultiView,
                                          SafeDecordInit, TemporalDerivative)
from mmvididi.datasets.video_retrieval_dataset import VideoRetrievalDataset

__all__ = ['ExactVideoDecode', 'MotionProbeDataset', 'MultiView',
           'ReproducibleDataset',
           'ReproducibleSampler', 'SafeDecordInit',
           'SkipBrokenVideoDataset', 'TemporalDerivative',
           'VideoRetrievalDataset']
