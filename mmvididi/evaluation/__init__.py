from mmvididi.evaluation.motion_probe_metric import MotionProbeMetric
from mmvididi.evaluation.retrieval import retrieval_recall
from mmvididi.evaluation.video_retrieval_metric import (VideoRetrievalMetric,
                                                        feature_group_name)

__all__ = ['MotionProbeMetric', 'VideoRetrievalMetric', 'feature_group_name',
           'retrieval_recall']
