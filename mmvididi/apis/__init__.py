from mmvididi.apis.inference import (VideoLoadError, extract_video_features,
                                     init_model)

__all__ = ['VideoLoadError', 'extract_video_features', 'init_model']
