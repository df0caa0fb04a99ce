"""Tuning scores that read only what a method itself can see, never the exact solver: the share
of runs whose follower passed the paper's verification (its fine-tuning gained nothing; not the
exact best-response check that ``verified`` adds), the leader's final value against its own
follower, and the steps from which that value settles."""

from __future__ import annotations

import pandas as pd

from stackmeta_lite.experiments.scoring import VALUE_TOLERANCE
from stackmeta_lite.games.solver import GAP_TOLERANCE


def own_view(results: pd.DataFrame) -> dict:
    """A sweep's score: runs, ``passed_share`` (the paper's verification passed: fine-tuning
    gained at most ``GAP_TOLERANCE`` per step), ``mean_final_value`` (raw payoff per step) and
    ``median_settle_steps`` (paper convention, verification included: the first update from
    which the leader's value stays at its final value)."""

    def settled(run: pd.DataFrame) -> float:
        value = run["leader_value"].to_numpy()
        moved = (abs(value - value[-1]) > 1e-9).nonzero()[0]
        start = 0 if moved.size == 0 else moved[-1] + 1
        return run["steps_with_queries"].iloc[start] + run["verify_steps_with_queries"].iloc[-1]

    runs = results.sort_values("update").groupby(["game", "seed"])
    last = runs.tail(1)
    return {
        "runs": len(last),
        "passed_share": float((last["finetune_improvement"] <= GAP_TOLERANCE).mean()),
        "mean_final_value": float(last["leader_value"].mean()),
        "median_settle_steps": float(runs.apply(settled, include_groups=False).median()),
    }


def choose(scores: pd.DataFrame, passed: bool = True) -> pd.Series:
    """The chosen row of ``own_view`` scores: most runs passing verification (if ``passed``),
    then the highest mean final value, then the fewest steps. Mean values count as equal when
    their totals over the runs differ by less than one run's ``VALUE_TOLERANCE`` (so one run
    moving to a better table on the same seeds is a difference, not a tie)."""
    if passed:
        scores = scores[scores["passed_share"] == scores["passed_share"].max()]
    band = VALUE_TOLERANCE / scores["runs"].max()
    close = scores[scores["mean_final_value"] >= scores["mean_final_value"].max() - band]
    return close.sort_values("median_settle_steps", kind="stable").iloc[0]
