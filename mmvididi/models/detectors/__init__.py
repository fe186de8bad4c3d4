from mmvididi.models.detectors.roi_action_detector import RoIActionDetector

__all__ = ['RoIActionDetector']
