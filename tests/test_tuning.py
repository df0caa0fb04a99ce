"""Tuning scores (``experiments/tuning.py``) read only what a method itself can see."""

import pandas as pd

from stackmeta_lite.experiments.tuning import choose, own_view


def rows(verified: bool, improvement: float, values: list[float]) -> pd.DataFrame:
    """One run's rows: its leader value after each update, 100 steps apart."""
    return pd.DataFrame(
        {
            "game": "hero",
            "seed": 0,
            "update": range(1, len(values) + 1),
            "steps_with_queries": [100 * (k + 1) for k in range(len(values))],
            "leader_value": values,
            "verify_steps_with_queries": 50,
            "finetune_improvement": improvement,
            "verified": verified,  # the exact check: a tuning score must not read it
        }
    )


def test_the_score_passes_what_the_papers_check_passes_whatever_the_exact_check_says():
    exact_says_wrong = own_view(rows(False, 0.0, [3.0, 3.5, 3.5]))
    fine_tuning_gained = own_view(rows(True, 0.2, [3.0, 3.5, 3.5]))
    assert exact_says_wrong["passed_share"] == 1.0
    assert fine_tuning_gained["passed_share"] == 0.0
    assert exact_says_wrong["mean_final_value"] == 3.5
    assert exact_says_wrong["median_settle_steps"] == 200 + 50  # settled at update 2


def test_choose_prefers_passing_then_value_within_tolerance_then_fewer_steps():
    scores = pd.DataFrame(
        {
            "change": ["a", "b", "c", "d"],
            "runs": 1,
            "passed_share": [1.0, 1.0, 1.0, 0.9],
            "mean_final_value": [3.700, 3.705, 3.600, 3.900],
            "median_settle_steps": [900.0, 500.0, 100.0, 10.0],
        }
    )
    assert choose(scores)["change"] == "b"  # a and b tie on value; b settles sooner
    assert choose(scores, passed=False)["change"] == "d"


def test_choose_ties_only_within_one_runs_tolerance_of_the_total():
    # Over 120 runs, a mean 0.003 higher is runs moving to better tables: not a tie.
    scores = pd.DataFrame(
        {
            "change": ["fast", "better"],
            "runs": 120,
            "passed_share": 1.0,
            "mean_final_value": [3.7525, 3.7558],
            "median_settle_steps": [8_000.0, 12_000.0],
        }
    )
    assert choose(scores)["change"] == "better"
    scores.loc[1, "mean_final_value"] = 3.7525 + 0.01 / 120 / 2  # half a run's tolerance
    assert choose(scores)["change"] == "fast"
