from mmvididi.utils.config_checks import check_vididi_config
from mmvididi.utils.config_loading import load_config, load_config_or_exit
from mmvididi.utils.runtime import adapt_to_device
from mmvididi.utils.video_io import write_video

__all__ = ['adapt_to_device', 'check_vididi_config', 'load_config',
           'load_config_or_exit', 'write_video']
