"""mmvididi: ViDiDi for MMAction2.

Importing it fixes the pinned stack (:mod:`mmvididi.compat`) and registers mmvididi's
components into MMAction2's registries, so configs use them with
``custom_imports = dict(imports=['mmvididi'])`` and ``default_scope = 'mmaction'``.
"""
from mmvididi import compat

compat.apply()

from mmvididi import (datasets, engine,  # noqa: E402,F401  (registration)
                      evaluation, models)
from mmvididi.utils import checkpoint_loading  # noqa: E402,F401  (loaders)
from mmvididi.version import __version__  # noqa: E402

__all__ = ['__version__']
