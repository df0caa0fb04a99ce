"""Summaries of experiment tables, shared by the book's chapters and the benchmarks.

Inputs are the tidy tables of ``stackmeta_lite.experiments.run`` (one row per leader update) and of
``pretrain_sweep`` (one row per pre-training checkpoint). Steps are env steps in both conventions:
``steps_with_queries`` (the paper's, 15 per 2x2 episode) and ``steps_plain`` (10); the
``..._verified`` columns add the steps of the final verification.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from stackmeta_lite.common.validation import check_choice

STEP_COLUMNS: tuple[str, ...] = ("steps_with_queries", "steps_plain")
RUN_KEYS: list[str] = ["game", "seed", "method"]
SCORINGS: dict[str, str] = {"equilibrium": "at_optimum", "vs_exact": "at_optimum_vs_exact"}
"""The two scorings of ``experiments.scoring`` and the at-optimum column each reads:
``equilibrium`` (the leader at the exact value against the method's own follower, which
best-responds) and ``vs_exact`` (the leader table at the exact value against an exact best
responder)."""


def steps_to_optimum(
    results: pd.DataFrame, steps: str = "steps_with_queries", scoring: str = "equilibrium"
) -> pd.DataFrame:
    """The one success rule, for every method: per (game, seed, method), the steps at the first
    update from which the leader stays at the optimum (by ``scoring``, see ``SCORINGS``) to the
    end of the run (NaN if it never does), and ``success``: it does and the final pair passed
    verification."""
    check_choice("scoring", scoring, tuple(SCORINGS))
    at_column = SCORINGS[scoring]

    def first_stable(run: pd.DataFrame) -> float:
        at = run[at_column].to_numpy()
        if not at[-1]:
            return math.nan
        failures = np.flatnonzero(~at)
        start = 0 if failures.size == 0 else failures[-1] + 1
        return float(run[steps].iloc[start])

    grouped = results.sort_values("update").groupby(RUN_KEYS, sort=False)
    summary = grouped.apply(
        lambda run: pd.Series(
            {
                steps: first_stable(run),
                "final_value": run["leader_value"].iloc[-1],
                "final_value_vs_exact": run["value_vs_exact"].iloc[-1],
                "optimum": run["optimum"].iloc[-1],
                "verified": bool(run["verified"].iloc[-1]),
                "total_steps": run[steps].iloc[-1],
            }
        ),
        include_groups=False,
    ).reset_index()
    summary["success"] = summary[steps].notna() & summary["verified"]
    return summary


SCORED_COLUMNS: list[str] = [
    "leader_table",
    "leader_value",
    "best_response_gap",
    "value_vs_exact",
    "at_optimum",
    "at_optimum_vs_exact",
]


def changes_only(results: pd.DataFrame) -> pd.DataFrame:
    """The rows of each run (in update order, as ``run`` writes them) where a scored column
    changes, plus its first and last row: a compact table on which ``steps_to_optimum`` gives
    the same answers (the first update of the final stretch at the optimum starts a change)."""
    runs = results.groupby(RUN_KEYS, sort=False)
    changed = (results[SCORED_COLUMNS] != runs[SCORED_COLUMNS].shift()).any(axis=1)
    last = ~results.duplicated(RUN_KEYS, keep="last")
    return results[changed | last].reset_index(drop=True)


def run_summary(results: pd.DataFrame, scoring: str = "equilibrium") -> pd.DataFrame:
    """One row per (game, seed, method) under ``scoring``: ``success`` (see
    ``steps_to_optimum``), the steps to that update in both conventions (NaN when it fails) with
    and without the verification steps, the final values, the optimum and, for meta-RL, whether
    the pre-trained follower was exact on every leader table."""
    runs = steps_to_optimum(results, "steps_with_queries", scoring)
    runs["steps_plain"] = steps_to_optimum(results, "steps_plain", scoring)["steps_plain"]
    last = results.groupby(RUN_KEYS, sort=False).tail(1).set_index(RUN_KEYS)
    extra = last[["verify_steps_with_queries", "verify_steps_plain", "follower_all_exact"]]
    runs = runs.join(extra, on=RUN_KEYS)
    for steps in STEP_COLUMNS:
        runs[f"{steps}_verified"] = runs[steps] + runs[f"verify_{steps}"]
    runs.insert(3, "scoring", scoring)
    return runs


def per_game(runs: pd.DataFrame) -> pd.DataFrame:
    """Per (method, scoring, game) from ``run_summary``: success rate, median and worst-case
    steps to the optimum over successful runs in both conventions with and without
    verification."""
    columns = [s + v for s in STEP_COLUMNS for v in ("", "_verified")]
    aggregations = {"runs": ("success", "size"), "success_rate": ("success", "mean")}
    for column in columns:
        aggregations[f"median_{column}"] = (column, "median")
        aggregations[f"max_{column}"] = (column, "max")
    aggregations["follower_all_exact"] = ("follower_all_exact", "mean")
    keys = ["method", "scoring", "game"]
    return runs.groupby(keys, sort=False).agg(**aggregations).reset_index()


def overall(runs: pd.DataFrame) -> pd.DataFrame:
    """Per (method, scoring): the same figures as ``per_game`` over all games, plus the worst
    game's success rate."""
    table = per_game(runs.assign(game="all"))
    worst = (
        per_game(runs)
        .groupby(["method", "scoring"])["success_rate"]
        .min()
        .rename("worst_game_success")
    )
    return table.drop(columns="game").join(worst, on=["method", "scoring"])


def paired(runs: pd.DataFrame, method: str, baseline: str, steps: str) -> pd.DataFrame:
    """One row per (game, seed, scoring) run by both methods: their steps to the optimum (a
    failed run counts as never, i.e. infinitely many steps), whether each succeeded, whether
    ``method`` needed fewer steps and the ratio of ``baseline``'s steps to ``method``'s."""
    keys = ["game", "seed", "scoring"]
    sides = [
        runs.loc[runs["method"] == name, [*keys, steps, "success"]].rename(
            columns={steps: name, "success": f"{name}_success"}
        )
        for name in (method, baseline)
    ]
    both = sides[0].merge(sides[1], on=keys)
    both[[method, baseline]] = both[[method, baseline]].fillna(np.inf)
    both["fewer_steps"] = both[method] < both[baseline]
    both["ratio"] = both[baseline] / both[method]
    return both


def exactness_curve(history: pd.DataFrame, grid: np.ndarray, steps: str) -> pd.DataFrame:
    """Share of leader tables on which the follower is exact, per (learner, game, seed), on a
    common grid of env steps (the last checkpoint at or before each grid point; 0 before the
    first). ``history`` needs learner, game, seed, ``steps`` and share_exact columns."""
    rows = []
    for (learner, game, seed), run in history.groupby(["learner", "game", "seed"], sort=False):
        run = run.sort_values(steps)
        index = np.searchsorted(run[steps].to_numpy(), grid, side="right") - 1
        share = np.where(index >= 0, run["share_exact"].to_numpy()[index.clip(0)], 0.0)
        rows.append(
            pd.DataFrame(
                {
                    "learner": learner,
                    "game": game,
                    "seed": seed,
                    steps: grid,
                    "share_exact": share,
                    "all_exact": share == 1.0,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)
