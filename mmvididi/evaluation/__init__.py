from mmvididi.evaluation.retrieval import retrieval_recall
from mmvididi.evaluation.video_retrieval_metric import VideoRetrievalMetric

__all__ = ['VideoRetrievalMetric', 'retrieval_recall']
