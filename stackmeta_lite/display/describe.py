"""Solutions read as tables: a leader table in words, the episode two tables play, and the
one-shot commitment curve. The book's panels display these; the solver computes them.

Payoffs are raw (1..4 per step for the canonical games).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from stackmeta_lite.games.batched import play_tables
from stackmeta_lite.games.bimatrix import BimatrixGame
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.one_shot import follower_reply
from stackmeta_lite.games.ties import TieRule


def leader_table_in_words(iterated: IteratedGame, table: Sequence[int]) -> pd.DataFrame:
    """One row per state: when the state occurs and what the leader table plays there."""
    game = iterated.game
    rows = []
    for state, action in enumerate(iterated.check_leader_tables(np.asarray(table))):
        if state == 0:
            when = "first step"
        else:
            when = f"after {iterated.describe_state(state)} (leader, follower)"
        rows.append({"state": state, "when": when, "leader plays": game.leader_actions[action]})
    return pd.DataFrame(rows)


def replay(
    iterated: IteratedGame, leader_table: Sequence[int], follower_policy: np.ndarray
) -> pd.DataFrame:
    """The deterministic episode of a leader table against a follower policy, one row per step.

    ``follower_policy`` is a stationary table (n_states,) or time-aware (horizon, n_states).
    Payoffs are raw, per step.
    """
    policy = np.asarray(follower_policy)
    episode = play_tables(iterated, leader_table, policy[None] if policy.ndim == 2 else policy)
    game = iterated.game
    leader, follower = episode["leader_actions"][0], episode["follower_actions"][0]
    return pd.DataFrame(
        {
            "step": np.arange(1, iterated.horizon + 1),
            "state": [iterated.describe_state(int(s)) for s in episode["states"][0]],
            "leader": [game.leader_actions[a] for a in leader],
            "follower": [game.follower_actions[a] for a in follower],
            "leader payoff": episode["leader_rewards"][0].astype(float),
            "follower payoff": episode["follower_rewards"][0].astype(float),
        }
    )


def commitment_curve(
    game: BimatrixGame, probabilities: Sequence[float], ties: TieRule = "strong"
) -> pd.DataFrame:
    """One-shot commitment of a 2-row game: for each probability p of the leader's first action,
    the follower's best reply (``one_shot.follower_reply``) and both expected payoffs."""
    if game.n_leader_actions != 2:
        raise ValueError(f"commitment_curve needs a game with 2 leader actions, got {game.name}")
    rows = []
    for p in probabilities:
        reply = follower_reply(game, np.array([p, 1.0 - p]), ties)
        rows.append(
            {
                "p": float(p),
                "follower_action": game.follower_actions[reply.follower_action],
                "leader_payoff": reply.leader_payoff,
                "follower_payoff": reply.follower_payoff,
            }
        )
    return pd.DataFrame(rows)
