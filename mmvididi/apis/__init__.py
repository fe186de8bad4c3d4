from mmvididi.apis.motion_benchmark import (benchmark_config, extract_features,
                                            loss_curve, motion_retrieval,
                                            pretrain)

__all__ = ['benchmark_config', 'extract_features', 'loss_curve',
           'motion_retrieval', 'pretrain']
