"""stackmeta-lite.

Importing the package registers its Gymnasium ids (see :mod:`stackmeta_lite.games.registration`).
"""

from stackmeta_lite.common.provenance import package_version
from stackmeta_lite.games import registration as _registration  # noqa: F401  (registers the ids)

__version__ = package_version()
"""The installed version (from the package metadata)."""
