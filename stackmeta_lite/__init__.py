"""stackmeta-lite: the paper's method (Gerstgrasser & Parkes) and the book around it.

The folders follow the paper's pipeline: ``games`` (the games and their exact solutions),
``learners`` (PG, PPO, DQN, Q-learning), ``method`` (the contextual follower, the leader, the
verification), ``experiments`` (runs, sweeps, summaries) and ``display`` (figures and panels).
What a reader uses most is importable from the top, loaded on first use::

    from stackmeta_lite import IteratedGame, make_game, pretrain_follower, train_leader

Importing the package registers its Gymnasium ids (see :mod:`stackmeta_lite.games.registration`).
"""

from importlib import import_module

from stackmeta_lite.common.provenance import package_version
from stackmeta_lite.games import registration as _registration  # noqa: F401  (registers the ids)

__version__ = package_version()
"""The installed version (from the package metadata)."""

_READERS: dict[str, str] = {
    "BimatrixGame": "games.bimatrix",
    "CANONICAL_GAMES": "games.bimatrix",
    "make_game": "games.bimatrix",
    "IteratedGame": "games.iterated",
    "solve_iterated": "games.solver",
    "best_response_gap": "games.solver",
    "pretrain_follower": "method.pretrain",
    "train_leader": "method.leader",
    "verify": "method.verify",
    "run": "experiments.run",
    "RunConfig": "experiments.run",
    "run_sweep": "experiments.sweep",
    "plotting": "display.plotting",
    "panels": "display.panels",
}
"""Names re-exported for readers: name -> the module that holds it (or is it)."""


def __getattr__(name: str) -> object:
    """Load a re-exported name on first use, so ``import stackmeta_lite`` stays light."""
    if name not in _READERS:
        raise AttributeError(f"module 'stackmeta_lite' has no attribute {name!r}")
    module = import_module(f"stackmeta_lite.{_READERS[name]}")
    return module if module.__name__.endswith(f".{name}") else getattr(module, name)


__all__ = ["__version__", *_READERS]
