"""A batched numpy rollout of B independent iterated games, for learners and solvers.

Leaders answer the queries with tables (B, n_states), one per episode, and play by them unless a
step-wise ``leader_act`` is given; the follower acts by a vectorised function of its observations.
Everything returned has shape (B, horizon).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from stackmeta_lite.common.validation import check_action_array, check_bool
from stackmeta_lite.games.iterated import IteratedGame, check_iterated

FollowerAct = Callable[[int, np.ndarray, np.ndarray], np.ndarray]
"""``follower_act(step, states, observations) -> actions``, arrays of shape (B,)."""
LeaderAct = Callable[[int, np.ndarray], np.ndarray]
"""``leader_act(step, states) -> actions``, arrays of shape (B,)."""


def rollout(
    iterated: IteratedGame,
    leader_tables: np.ndarray,
    follower_act: FollowerAct,
    centred: bool = False,
    leader_act: LeaderAct | None = None,
) -> dict[str, np.ndarray]:
    """Play one episode of each leader table (B, S) against ``follower_act``; with ``leader_act``
    the tables are only the query answers the follower sees and ``leader_act`` plays.

    Returns (B, horizon) arrays: ``states``, follower ``observations`` (state, context index),
    ``leader_actions``, ``follower_actions``, ``leader_rewards`` and ``follower_rewards``
    (raw, or centred when ``centred``). The follower's actions are checked at every step (an
    integer array of shape (B,) in range, one vectorised check): -1 or 2 in a 2x2 game raises.
    """
    check_bool("centred", centred)
    if not callable(follower_act) or (leader_act is not None and not callable(leader_act)):
        raise ValueError(
            f"follower_act (and leader_act, if given) must be callable, got {follower_act!r} "
            f"and {leader_act!r}"
        )
    tables = check_iterated(iterated).check_leader_tables(np.atleast_2d(leader_tables))
    n_actions, shape = iterated.n_follower_actions, (len(tables),)

    def checked_act(t: int, states: np.ndarray, observations: np.ndarray) -> np.ndarray:
        return check_action_array(
            "follower", follower_act(t, states, observations), n_actions, shape
        )

    return _play(iterated, tables, checked_act, centred, leader_act)


def _play(
    iterated: IteratedGame,
    tables: np.ndarray,
    follower_act: FollowerAct,
    centred: bool,
    leader_act: LeaderAct | None = None,
) -> dict[str, np.ndarray]:
    """The episode loop on checked leader tables and a follower that returns checked actions."""
    batch = tables.shape[0]
    rows = np.arange(batch)
    contexts = iterated.context(tables, check_input=False)
    shape = (batch, iterated.horizon)
    out = {
        key: np.empty(shape, dtype=np.int64)
        for key in ("states", "observations", "leader_actions", "follower_actions")
    }
    state = np.zeros(batch, dtype=np.int64)
    for t in range(iterated.horizon):
        observation = iterated.follower_observation(state, contexts)
        a_leader = tables[rows, state] if leader_act is None else leader_act(t, state)
        a_follower = follower_act(t, state, observation)
        out["states"][:, t] = state
        out["observations"][:, t] = observation
        out["leader_actions"][:, t] = a_leader
        out["follower_actions"][:, t] = a_follower
        state = iterated.next_state(a_leader, a_follower)
    out["leader_rewards"], out["follower_rewards"] = iterated.rewards(
        out["leader_actions"], out["follower_actions"], centred=centred
    )
    return out


def play_tables(
    iterated: IteratedGame,
    leader_tables: np.ndarray,
    follower_tables: np.ndarray,
    *,
    check_input: bool = True,
) -> dict[str, np.ndarray]:
    """One episode of each deterministic leader table (B, S) against a follower table: stationary
    (B, S) or time-aware (B, horizon, S); a batch of one broadcasts. Raw rewards.
    ``check_input=False`` skips the checks for int tables already checked by the caller."""
    leader, follower = np.atleast_2d(leader_tables), np.atleast_2d(follower_tables)
    if check_input:
        leader = check_iterated(iterated).check_leader_tables(leader)
        follower = iterated.check_follower_tables(follower)
    if follower.ndim == 2:  # stationary: the same table at every step
        follower = follower[:, None, :]
    batch = max(len(leader), len(follower))
    leader = np.broadcast_to(leader, (batch, iterated.n_states))
    follower = np.broadcast_to(follower, (batch, follower.shape[1], iterated.n_states))
    steps = (
        np.arange(iterated.horizon) if follower.shape[1] > 1 else np.zeros(iterated.horizon, int)
    )
    rows = np.arange(batch)  # the tables are checked, so their actions need no check per step
    return _play(iterated, leader, lambda t, states, _: follower[rows, steps[t], states], False)
