from mmvididi.models.data_preprocessors.vididi_data_preprocessor import \
    ViDiDiDataPreprocessor

__all__ = ['ViDiDiDataPreprocessor']
