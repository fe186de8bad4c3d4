from mmvididi.models.recognizers.vididi_recognizer import ViDiDiRecognizer

__all__ = ['ViDiDiRecognizer']
