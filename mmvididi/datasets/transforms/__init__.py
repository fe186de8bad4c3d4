from mmvididi.datasets.transforms.exact_decode import ExactVideoDecode
from mmvididi.datasets.transforms.load_camera_motion import LoadCameraMotion
from mmvididi.datasets.transforms.motion_probe_sample_frames import \
    MotionProbeSampleFrames
from mmvididi.datasets.transforms.multi_view import MultiView
from mmvididi.datasets.transforms.safe_decord_init import SafeDecordInit
from mmvididi.datasets.transforms.temporal_derivative import TemporalDerivative
from mmvididi.datasets.transforms.video_decode import VideoDecode, VideoInit

__all__ = ['ExactVideoDecode', 'LoadCameraMotion', 'MotionProbeSampleFrames',
           'MultiView', 'SafeDecordInit', 'TemporalDerivative', 'VideoDecode',
           'VideoInit']
