from mmvididi.utils.runtime import adapt_to_device
from mmvididi.utils.video_io import write_video

__all__ = ['adapt_to_device', 'write_video']
