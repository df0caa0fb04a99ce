"""The iterated-game environments by name: Gymnasium ids and PettingZoo-style factories.

Importing ``stackmeta_lite`` registers two Gymnasium ids (``namespace/Name-vN``):

- ``stackmeta_lite/IteratedLeader-v0``: the leader's view
  (:class:`~stackmeta_lite.games.envs.LeaderEnv`, 5 query steps, then 10 play steps). Unless a
  ``follower_policy`` is given, the follower is the exact stationary best response to the leader's
  answers, so the leader faces the Stackelberg problem itself.
- ``stackmeta_lite/IteratedFollower-v0``: the follower's view of the play phase
  (:class:`~stackmeta_lite.games.envs.FollowerEnv`) against a fixed or, by default, a fresh
  random leader table each episode, as in meta pre-training.

Both take ``game`` (a canonical game's name, default ``"prisoners_dilemma"``, or a
:class:`~stackmeta_lite.games.bimatrix.BimatrixGame`) and ``horizon``; rewards are centred per step.

As in PettingZoo's own packages, :func:`parallel_env` makes the two-agent parallel environment
(:class:`~stackmeta_lite.games.envs.IteratedGameEnv`) and :func:`env` its turn-based (AEC) form::

    import gymnasium
    import stackmeta_lite.games.registration

    leader = gymnasium.make("stackmeta_lite/IteratedLeader-v0", game="stag_hunt")
    both = stackmeta_lite.games.registration.parallel_env(game="stag_hunt")
"""

from __future__ import annotations

from collections.abc import Callable

import gymnasium
import numpy as np
from pettingzoo import AECEnv
from pettingzoo.utils.conversions import parallel_to_aec
from pettingzoo.utils.wrappers import BaseWrapper

from stackmeta_lite.games.bimatrix import BimatrixGame, make_game
from stackmeta_lite.games.envs import FollowerEnv, IteratedGameEnv, LeaderEnv
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.solver import best_responses

NAMESPACE = "stackmeta_lite"
LEADER_ID = f"{NAMESPACE}/IteratedLeader-v0"
FOLLOWER_ID = f"{NAMESPACE}/IteratedFollower-v0"
DEFAULT_GAME = "prisoners_dilemma"
HORIZON = 10


def _game(game: str | BimatrixGame) -> BimatrixGame:
    if isinstance(game, BimatrixGame):
        return game
    if not isinstance(game, str):
        raise TypeError(f"game must be a game's name or a BimatrixGame, got {game!r}")
    return make_game(game)


def best_response_follower(iterated: IteratedGame, ties: str = "strong") -> np.ndarray:
    """The exact stationary best responder as a table over the follower's observations: the
    play-phase indices ``state * n_contexts + omega``, then the query-phase waiting index (0)."""
    tables = iterated.leader_tables()  # row omega is the table with context code omega
    policies, _, _ = best_responses(iterated, tables, "stationary", ties)
    # policies[omega, state] -> the follower's action at observation state * n_contexts + omega.
    play = policies.T.reshape(-1)
    return np.append(play, 0)


def leader_env(
    game: str | BimatrixGame = DEFAULT_GAME,
    follower_policy: Callable[[int], int] | np.ndarray | None = None,
    horizon: int = HORIZON,
) -> LeaderEnv:
    """The leader's view with queries; the follower best-responds exactly unless one is given."""
    bimatrix = _game(game)
    if follower_policy is None:
        follower_policy = best_response_follower(IteratedGame(bimatrix, horizon))
    return LeaderEnv(bimatrix, follower_policy, horizon=horizon)


def follower_env(
    game: str | BimatrixGame = DEFAULT_GAME,
    leader_table: np.ndarray | None = None,
    horizon: int = HORIZON,
) -> FollowerEnv:
    """The follower's view of the play phase; a random leader table each episode if None."""
    return FollowerEnv(_game(game), leader_table, horizon=horizon)


def parallel_env(
    game: str | BimatrixGame = DEFAULT_GAME,
    horizon: int = HORIZON,
    queries: bool = True,
    render_mode: str | None = None,
) -> IteratedGameEnv:
    """The two-agent parallel environment (agents ``leader`` and ``follower``)."""
    return IteratedGameEnv(_game(game), horizon, queries, render_mode=render_mode)


class _NumpyObservations(BaseWrapper):
    """AEC observations as numpy integers, the dtype of their ``Discrete`` spaces (the parallel
    environment hands out Python ints, which PettingZoo's AEC ``api_test`` refuses)."""

    def observe(self, agent: str) -> np.int64:
        return np.int64(super().observe(agent))


def env(
    game: str | BimatrixGame = DEFAULT_GAME,
    horizon: int = HORIZON,
    queries: bool = True,
    render_mode: str | None = None,
) -> AECEnv:
    """The same game, turn-based (AEC), through PettingZoo's converter."""
    return _NumpyObservations(parallel_to_aec(parallel_env(game, horizon, queries, render_mode)))


def register_envs() -> None:
    """Register the two Gymnasium ids (again, harmlessly, if they already are)."""
    for env_id, entry_point in ((LEADER_ID, leader_env), (FOLLOWER_ID, follower_env)):
        if env_id not in gymnasium.registry:
            gymnasium.register(env_id, entry_point=entry_point, max_episode_steps=None)


register_envs()
