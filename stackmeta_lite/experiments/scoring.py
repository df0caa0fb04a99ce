"""Scoring a run: one row per leader update (after each update, the greedy leader table), with the
exact optima next to it. The exact solver only measures here: nothing in training reads it.

Columns: env steps in both conventions (``steps_with_queries``, the paper's, and
``steps_plain``), the greedy leader's value per step on the raw 1..4 scale (``leader_value``) and
per episode centred (``leader_value_centred``), the follower's exact best-response gap (raw, per
step), the exact strong and weak stationary optima, and ``equilibrium_value``, which is the
leader value only where the follower best-responds and NaN elsewhere.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stackmeta_lite.games.iterated import IteratedGame, expected_returns
from stackmeta_lite.games.solver import GAP_TOLERANCE, best_response_gap, solve_iterated
from stackmeta_lite.method.followers import Follower, follower_policies_for
from stackmeta_lite.method.leader import LeaderRun
from stackmeta_lite.method.qlearn_opponent import QLearningOpponent

VALUE_TOLERANCE = 0.01
"""A leader 'reaches the optimum' within this many raw payoff units per step (issue target)."""


def meta_rows(iterated: IteratedGame, follower: Follower, leader: LeaderRun) -> pd.DataFrame:
    """Evaluation rows of a leader trained against a frozen contextual follower: each greedy
    leader table against that follower's greedy reply, noise-free."""
    tables = np.array(leader.tables)
    policies = follower_policies_for(follower, iterated, tables)
    leader_returns, _ = expected_returns(iterated, tables, policies, check_input=False)
    gaps = best_response_gap(iterated, tables, policies)
    return _rows(iterated, leader, tables, leader_returns, gaps)


def baseline_rows(
    iterated: IteratedGame, leader: LeaderRun, respond: QLearningOpponent
) -> pd.DataFrame:
    """Evaluation rows of the PPO+Q-learn baseline: each greedy leader table the way the baseline
    plays it, against a fresh Q-learner trained on it, then greedy."""
    tables = np.array(leader.tables)
    leader_returns = respond(tables) + iterated.horizon * iterated.game.offset
    gaps = best_response_gap(iterated, tables, respond.last_follower_tables)
    rows = _rows(iterated, leader, tables, leader_returns, gaps)
    rows["steps_with_queries"] = rows["steps_plain"]  # no query phase: the conventions agree
    rows["follower_all_exact"] = np.nan  # no pre-training
    rows["verify_steps_with_queries"] = rows["verify_steps_plain"] = 0  # no verification phase
    rows["finetune_improvement"] = np.nan
    rows["verified"] = gaps[-1] <= GAP_TOLERANCE
    return rows


def _rows(iterated, leader, tables, leader_returns, gaps) -> pd.DataFrame:
    steps = np.array(leader.steps)
    value = leader_returns / iterated.horizon
    return pd.DataFrame(
        {
            "update": np.arange(1, len(tables) + 1),
            "steps_with_queries": steps[:, 0],
            "steps_plain": steps[:, 1],
            "leader_table": ["".join(map(str, t)) for t in tables],
            "leader_value": value,
            "leader_value_centred": leader_returns - iterated.horizon * iterated.game.offset,
            "best_response_gap": gaps / iterated.horizon,
        }
    )


def add_optima(iterated: IteratedGame, rows: pd.DataFrame) -> pd.DataFrame:
    """Add the exact optima, ``equilibrium_value`` and ``at_optimum`` to evaluation rows; an
    equilibrium value above the exact strong Stackelberg value raises (it is a bug)."""
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
    return rows
