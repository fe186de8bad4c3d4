from mmvididi.utils.video_io import write_video

__all__ = ['write_video']
