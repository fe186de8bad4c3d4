from mmvididi.datasets.transforms import (ExactDecordDecode, MultiView,
                                          TemporalDerivative)
from mmvididi.datasets.video_retrieval_dataset import VideoRetrievalDataset

__all__ = ['ExactDecordDecode', 'MultiView', 'TemporalDerivative',
           'VideoRetrievalDataset']
