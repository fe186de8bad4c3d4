from mmvididi.models.data_preprocessors import ViDiDiDataPreprocessor
from mmvididi.models.detectors import RoIActionDetector
from mmvididi.models.frameworks import BYOL, BaseFramework, SimCLR, VICReg
from mmvididi.models.necks import MLPProjector
from mmvididi.models.recognizers import ViDiDiRecognizer

__all__ = ['BYOL', 'BaseFramework', 'MLPProjector', 'RoIActionDetector',
           'SimCLR', 'VICReg', 'ViDiDiDataPreprocessor', 'ViDiDiRecognizer']
