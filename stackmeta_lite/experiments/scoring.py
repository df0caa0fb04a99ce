"""Scoring a run, the same way for every method: one row per leader update (after each update,
the greedy leader table), with the exact optima next to it. The exact solver only measures here:
nothing in training reads it.

Each row holds two values of the greedy leader table, both noise-free (exact Markov-chain
evaluation of deterministic tables):

- ``leader_value``: against the method's own follower at that update (meta-RL: the frozen
  pre-trained follower's greedy reply; PPO+Q-learn: the greedy table of the last Q-learner the
  leader trained against). ``equilibrium_value`` is this value only where that follower
  best-responds (``best_response_gap`` within ``GAP_TOLERANCE``) and NaN elsewhere.
- ``value_vs_exact``: against an exact best responder (ties broken for the leader), i.e. how good
  the leader table is whatever follower the method learned.

``at_optimum`` and ``at_optimum_vs_exact`` say whether each reaches the exact strong Stackelberg
value within ``VALUE_TOLERANCE`` (``at_optimum`` also needs the follower to best-respond);
``experiments.summaries.steps_to_optimum`` turns either into success and steps, by one rule.

Further columns: env steps in both conventions (``steps_with_queries``, the paper's, and
``steps_plain``), the value per episode centred (``leader_value_centred``), the exact strong and
weak stationary optima (``optimum``, ``optimum_weak``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stackmeta_lite.games.iterated import IteratedGame, expected_returns
from stackmeta_lite.games.solver import (
    GAP_TOLERANCE,
    best_response_gap,
    best_responses,
    solve_iterated,
)
from stackmeta_lite.method.leader import LeaderRun

VALUE_TOLERANCE = 0.01
"""A leader 'reaches the optimum' within this many raw payoff units per step (issue target)."""


def rows(iterated: IteratedGame, leader: LeaderRun, follower_tables: np.ndarray) -> pd.DataFrame:
    """Evaluation rows of a leader run: each update's greedy leader table against the method's
    follower at that update, given as its greedy stationary table (U, S), noise-free."""
    tables = np.array(leader.tables)
    policies = np.eye(iterated.n_follower_actions)[np.asarray(follower_tables)]
    leader_returns, _ = expected_returns(iterated, tables, policies)
    gaps = best_response_gap(iterated, tables, policies)
    steps = np.array(leader.steps)
    return pd.DataFrame(
        {
            "update": np.arange(1, len(tables) + 1),
            "steps_with_queries": steps[:, 0],
            "steps_plain": steps[:, 1],
            "leader_table": ["".join(map(str, t)) for t in tables],
            "leader_value": leader_returns / iterated.horizon,
            "leader_value_centred": leader_returns - iterated.horizon * iterated.game.offset,
            "best_response_gap": gaps / iterated.horizon,
        }
    )


def add_optima(iterated: IteratedGame, rows: pd.DataFrame) -> pd.DataFrame:
    """Add the exact optima, ``equilibrium_value``, ``value_vs_exact`` and both at-optimum flags
    to evaluation rows; an equilibrium value above the exact strong Stackelberg value raises (it
    is a bug)."""
    strong = solve_iterated(iterated, "stationary", "strong").per_step
    weak = solve_iterated(iterated, "stationary", "weak").per_step
    best_responding = rows["best_response_gap"] <= GAP_TOLERANCE
    rows["best_responding"] = best_responding
    rows["equilibrium_value"] = rows["leader_value"].where(best_responding)
    rows["optimum"] = strong
    rows["optimum_weak"] = weak
    rows["at_optimum"] = best_responding & (rows["leader_value"] >= strong - VALUE_TOLERANCE)
    too_high = rows["equilibrium_value"] > strong + 1e-9
    if too_high.any():
        raise RuntimeError(
            f"equilibrium value {rows.loc[too_high, 'equilibrium_value'].max()} exceeds the exact "
            f"strong Stackelberg value {strong} of {iterated.game.name}: a bug"
        )
    rows["value_vs_exact"] = value_vs_exact(iterated, rows["leader_table"])
    rows["at_optimum_vs_exact"] = rows["value_vs_exact"] >= strong - VALUE_TOLERANCE
    return rows


def value_vs_exact(iterated: IteratedGame, leader_tables: pd.Series) -> np.ndarray:
    """Raw per-step value of each leader table (digit strings) against an exact stationary best
    responder, ties broken for the leader."""
    codes, index = np.unique(leader_tables.to_numpy(), return_inverse=True)
    tables = np.array([[int(a) for a in code] for code in codes])
    _, leader_returns, _ = best_responses(iterated, tables, "stationary", "strong")
    return leader_returns[index] / iterated.horizon


def score_final_table(
    iterated: IteratedGame, table: np.ndarray, leader_return: float, follower_return: float
) -> dict:
    """A run scored on its final leader table (S,) in the time-aware class, for games where no
    stationary reference fits (3x3 and up): the leader's value against its own follower (whose
    raw episode returns are ``leader_return`` and ``follower_return``), against an exact
    time-aware best responder, the follower's exact gap and the exact optimum, per step;
    ``at_optimum`` (own follower, which best-responds) and ``at_optimum_vs_exact`` as ``rows``."""
    _, exact_leader, exact_follower = best_responses(iterated, table[None], "time_aware")
    optimum = solve_iterated(iterated, "time_aware", "strong").per_step
    horizon = iterated.horizon
    gap = (float(exact_follower[0]) - follower_return) / horizon
    value = leader_return / horizon
    return {
        "game": iterated.game.name,
        "leader_table": "".join(map(str, table)),
        "leader_value": value,
        "value_vs_exact": float(exact_leader[0]) / horizon,
        "optimum": optimum,
        "follower_gap": gap,
        "at_optimum": gap <= GAP_TOLERANCE and value >= optimum - VALUE_TOLERANCE,
        "at_optimum_vs_exact": float(exact_leader[0]) / horizon >= optimum - VALUE_TOLERANCE,
    }
