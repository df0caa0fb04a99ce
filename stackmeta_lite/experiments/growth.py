"""How each method's cost grows with the game (issue 22): one row per (size, method) from the
committed runs, 2x2 (the 12 canonical games) and 3x3 (the suite of ``games.bigger``), scored the
same way as far as one reference reaches both sizes.

At 2x2 a run succeeds when its leader reaches the exact strong Stackelberg value against a
follower that best-responds (``summaries.overall``, equilibrium scoring) and its steps are the
steps to that verified optimum. At 3x3 the stationary reference does not fit, so a run is scored
on its final table in the time-aware class (``scoring.score_final_table``) and its steps are the
whole run's. ``success_vs_exact`` scores the leader table alone, against an exact responder. The
reply search (the enumeration) does not fit at 3x3: its row gives the steps it would need
(``enumeration_cost``), projected from contexts searched one at a time, and no success.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stackmeta_lite.experiments.scoring import VALUE_TOLERANCE
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.method.followers.search import search_episodes

METHODS = {
    "search_ppo": "enumeration (reply search)",
    "meta_ppo_ac": "learned follower, frozen",
    "meta_ppo_ac_continual": "learned follower, kept training",
    "ppo_qlearn": "PPO+Q-learn",
}
"""The 2x2 method behind each growth label (``overall.csv``)."""


def enumeration_cost(iterated: IteratedGame, contexts: np.ndarray) -> dict:
    """The reply search's cost to finish every context of ``iterated``, estimated from the
    listed context codes (all of them: exact): episodes per context (mean, max) and the env
    steps for all contexts (paper convention)."""
    episodes = np.array([search_episodes(iterated, t) for t in iterated.leader_tables(contexts)])
    per_episode = iterated.steps_per_episode(with_queries=True)
    return {
        "size": "x".join(map(str, iterated.game.leader_payoffs.shape)),
        "leader_tables": iterated.n_contexts,
        "contexts_searched": len(contexts),
        "mean_episodes": float(episodes.mean()),
        "max_episodes": int(episodes.max()),
        "follower_steps": float(iterated.n_contexts * episodes.mean() * per_episode),
        "returns_table_bytes": iterated.n_contexts
        * iterated.n_follower_actions**iterated.n_states
        * 8,
    }


def _bigger_rows(runs: pd.DataFrame, method: str) -> dict:
    vs_exact = runs["value_vs_exact"] >= runs["optimum"] - VALUE_TOLERANCE
    return {
        "size": "3x3",
        "method": method,
        "runs": len(runs),
        "success": float(runs["at_optimum"].mean()),
        "success_vs_exact": float(vs_exact.mean()),
        "median_steps": float(runs["steps_with_queries"].median()),
        "max_steps": float(runs["steps_with_queries"].max()),
        "cpu_seconds_per_run": float(runs["cpu_seconds"].mean()),
    }


def growth_table(
    overall: pd.DataFrame,
    network: pd.DataFrame,
    baseline: pd.DataFrame,
    enumeration: pd.DataFrame,
    timing: pd.DataFrame,
) -> pd.DataFrame:
    """The growth table: 2x2 rows from ``overall.csv`` and ``timing.csv``, 3x3 rows from
    ``network_meta.csv`` (frozen: ``continual`` 0), ``baseline_bigger.csv`` and the enumeration's
    projected cost (``enumeration_cost.csv``)."""
    rows = []
    scored = overall.set_index(["method", "scoring"])
    cpu = timing.groupby("method")[["runs_trained", "cpu_seconds"]].sum()
    cpu_per_run = cpu["cpu_seconds"] / cpu["runs_trained"]
    for method, label in METHODS.items():
        equilibrium, exact = scored.loc[(method, "equilibrium")], scored.loc[(method, "vs_exact")]
        rows.append(
            {
                "size": "2x2",
                "method": label,
                "runs": int(equilibrium["runs"]),
                "success": equilibrium["success_rate"],
                "success_vs_exact": exact["success_rate"],
                "median_steps": equilibrium["median_steps_with_queries_verified"],
                "max_steps": equilibrium["max_steps_with_queries_verified"],
                "cpu_seconds_per_run": cpu_per_run[method],
            }
        )
    search = enumeration.set_index("size").loc["3x3"]
    rows.append(
        {
            "size": "3x3",
            "method": METHODS["search_ppo"],
            "runs": 0,
            "median_steps": search["follower_steps"],
            "max_steps": search["follower_steps"],
        }
    )
    rows.append(_bigger_rows(network[network["continual"] == 0], METHODS["meta_ppo_ac"]))
    kept = network[network["continual"] > 0]
    rows.append(_bigger_rows(kept, METHODS["meta_ppo_ac_continual"]))
    rows.append(_bigger_rows(baseline, METHODS["ppo_qlearn"]))
    table = pd.DataFrame(rows)
    table.insert(1, "leader_tables", table["size"].map({"2x2": 32, "3x3": 3**10}))
    return table
