"""stackmeta-lite.

Importing the package registers its Gymnasium ids (see :mod:`stackmeta_lite.registration`).
"""

from stackmeta_lite import registration as _registration  # noqa: F401  (registers the ids)
