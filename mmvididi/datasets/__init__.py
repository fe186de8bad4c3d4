from mmvididi.datasets.transforms import (ExactDecordDecode, MultiView,
                                          TemporalDerivative)

__all__ = ['ExactDecordDecode', 'MultiView', 'TemporalDerivative']
