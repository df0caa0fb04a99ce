"""stackmeta-lite.

Importing the package registers its Gymnasium ids (see :mod:`stackmeta_lite.games.registration`).
"""

from stackmeta_lite.games import registration as _registration  # noqa: F401  (registers the ids)
