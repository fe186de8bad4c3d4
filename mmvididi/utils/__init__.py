from mmvididi.utils.cli import exit_on_user_error
from mmvididi.utils.config_checks import check_vididi_config
from mmvididi.utils.config_loading import load_config
from mmvididi.utils.runtime import adapt_to_device
from mmvididi.utils.video_io import write_video
from mmvididi.utils.video_list import VideoListError, list_videos

__all__ = ['VideoListError', 'adapt_to_device', 'check_vididi_config',
           'exit_on_user_error', 'list_videos', 'load_config', 'write_video']
