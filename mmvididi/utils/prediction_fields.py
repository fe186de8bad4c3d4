"""What a model's prediction carries for the metrics: the fields' names.

``ViDiDiRecognizer.predict`` stores each video's (or clip's) feature under
:data:`FEATURE_FIELD` and, as metainfo, the orders of its blocks under
:data:`FEATURE_ORDERS_FIELD`. ``VideoRetrievalMetric`` reads both (it checks
the orders against its own), ``MotionProbeMetric`` the feature,
``FeatureCacheTestLoop`` keeps both, and
``mmvididi.apis.extract_video_features`` returns the feature. The names are
given here, once.
"""

#: the feature: per order of the model's ``feature_orders``, a block of one
#: width, concatenated in that order
FEATURE_FIELD = 'feature'
#: the orders of the feature's blocks, as a tuple (the model's
#: ``feature_orders``)
FEATURE_ORDERS_FIELD = 'feature_orders'
