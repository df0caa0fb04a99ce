"""Our method's budget curve: end-to-end success and steps of ``meta_ppo_ac_continual`` (the
follower keeps training) and ``meta_ppo_ac`` (frozen) against the actor-critic follower's
pre-training budget, on fresh seeds (tuning never touched them), scored the one way
(``experiments.scoring``; the exact solver only measures).

Run: python benchmarks/bench_budget.py [--seeds 1000-1009] [--methods ...]
(writes stackmeta_lite/data/results/budget_curve.csv)
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from itertools import product

import pandas as pd

from stackmeta_lite.cli import _seeds
from stackmeta_lite.common import data
from stackmeta_lite.common.files import write_csv
from stackmeta_lite.experiments.run import RunConfig
from stackmeta_lite.experiments.summaries import overall, run_summary
from stackmeta_lite.experiments.sweep import run_sweep
from stackmeta_lite.games.bimatrix import CANONICAL_GAMES
from stackmeta_lite.method.presets import CRITIC_FOLLOWER

BUDGETS = (5_000, 10_000, 15_000, 20_000, 30_000)
METHODS = ("meta_ppo_ac_continual", "meta_ppo_ac")
OUT = data.RESULTS / "budget_curve.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=_seeds, default=range(1000, 1010))
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    args = parser.parse_args()
    rows = []
    for method, budget in product(args.methods, BUDGETS):
        config = RunConfig(follower=replace(CRITIC_FOLLOWER, max_steps=budget))
        start = time.perf_counter()
        results = run_sweep(CANONICAL_GAMES, args.seeds, [method], config=config)
        seconds = time.perf_counter() - start
        for scoring in ("equilibrium", "vs_exact"):
            row = overall(run_summary(results, scoring)).iloc[0]
            rows.append(
                {
                    "method": method,
                    "pretraining_steps": budget,
                    "scoring": scoring,
                    "runs": int(row["runs"]),
                    "success_rate": row["success_rate"],
                    "worst_game_success": row["worst_game_success"],
                    "median_steps": row["median_steps_with_queries_verified"],
                    "max_steps": row["max_steps_with_queries_verified"],
                    "follower_all_exact": row["follower_all_exact"],
                    "wall_seconds": round(seconds, 1),
                }
            )
        print(rows[-2], flush=True)
    write_csv(pd.DataFrame(rows), OUT)


if __name__ == "__main__":
    main()
