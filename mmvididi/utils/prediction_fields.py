"""What a model's prediction carries for the metrics: the fields' names.

``ViDiDiRecognizer.predict`` stores each video's (or clip's) feature under
:data:`FEATURE_FIELD` and, as metainfo, the orders of its blocks under
:data:`FEATURE_ORDERS_FIELD`. ``VideoRetrievalMetric`` reads both (it checks
the orders against its own), ``MotionProbeMetric`` the feature,
``FeatureCacheTestLoop`` keeps both, and
``mmvididi.apis.extract_video_features`` returns the feature.
``VideoRetrievalDataset`` tags each video with its role in a retrieval test
(:data:`RETRIEVAL_ROLE_FIELD`: :data:`QUERY_ROLE` or :data:`GALLERY_ROLE`),
which the packed sample carries (``PackActionInputs(meta_keys=(...,
'retrieval_role'))``) to ``VideoRetrievalMetric``. The names are given here,
once.
"""

#: the feature: per order of the model's ``feature_orders``, a block of one
#: width, concatenated in that order
FEATURE_FIELD = 'feature'
#: the orders of the feature's blocks, as a tuple (the model's
#: ``feature_orders``)
FEATURE_ORDERS_FIELD = 'feature_orders'
#: a retrieval test's video: a query, or one of the gallery it is searched in
RETRIEVAL_ROLE_FIELD = 'retrieval_role'
QUERY_ROLE = 'query'
GALLERY_ROLE = 'gallery'
RETRIEVAL_ROLES = (QUERY_ROLE, GALLERY_ROLE)
