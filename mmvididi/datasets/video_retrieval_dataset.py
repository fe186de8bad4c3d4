"""VideoRetrievalDataset: the query and the gallery split of a retrieval test."""
import os.path as osp
from typing import List

from mmaction.registry import DATASETS

from mmvididi.datasets.skip_broken_video_dataset import SkipBrokenVideoDataset
from mmvididi.utils.prediction_fields import (GALLERY_ROLE, QUERY_ROLE,
                                              RETRIEVAL_ROLE_FIELD,
                                              RETRIEVAL_ROLES)


@DATASETS.register_module()
class VideoRetrievalDataset(SkipBrokenVideoDataset):
    """Two VideoDataset annotation files in one dataset, each video tagged with
    its ``retrieval_role``: ``'query'`` (e.g. the test split) or ``'gallery'``
    (e.g. the train split), for ``VideoRetrievalMetric``.

    Args:
        query_ann_file, gallery_ann_file: VideoDataset annotation files
            (``<path> <label>`` a line), joined with ``data_root`` if relative.
        **kwargs: as ``VideoDataset`` (``pipeline``, ``data_prefix``, ...);
            a malformed line stops the run with ``file:line``, a broken video
            is an error that names it;
            ``PackActionInputs`` must keep ``retrieval_role`` in ``meta_keys``.
    """

    def __init__(self, query_ann_file: str, gallery_ann_file: str,
                 **kwargs) -> None:
        self.role_ann_files = {QUERY_ROLE: query_ann_file,
                               GALLERY_ROLE: gallery_ann_file}
        kwargs.setdefault('test_mode', True)
        super().__init__(ann_file=query_ann_file, **kwargs)

    def _join_prefix(self) -> None:
        super()._join_prefix()
        for role, ann_file in self.role_ann_files.items():
            if self.data_root and not osp.isabs(ann_file):
                self.role_ann_files[role] = osp.join(self.data_root, ann_file)

    def load_data_list(self) -> List[dict]:
        data_list = []
        for role in RETRIEVAL_ROLES:
            self.ann_file = self.role_ann_files[role]
            for info in super().load_data_list():
                info[RETRIEVAL_ROLE_FIELD] = role
                data_list.append(info)
        return data_list
