from mmvididi.utils.config_checks import check_vididi_config
from mmvididi.utils.runtime import adapt_to_device
from mmvididi.utils.video_io import write_video

__all__ = ['adapt_to_device', 'check_vididi_config', 'write_video']
