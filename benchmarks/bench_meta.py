"""The 12-game benchmark: meta-RL (PPO leader) against PPO+Q-learn, success rates, steps to the
exact optimum in both step conventions, wall time and the sample-efficiency ratio.

Run: python benchmarks/bench_meta.py [--seeds 0-4] [--baseline-seeds 0-4]
Writes benchmarks/results/meta_runs.csv, baseline_runs.csv and summary.csv.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from stackmeta_lite.__main__ import _seeds
from stackmeta_lite.experiments import run_sweep, steps_to_optimum
from stackmeta_lite.games import CANONICAL_GAMES

RESULTS = Path(__file__).parent / "results"


def timed_sweep(method: str, seeds: list[int], workers: int) -> tuple[pd.DataFrame, float]:
    start = time.perf_counter()
    table = run_sweep(CANONICAL_GAMES, seeds, [method], workers=workers, progress=False)
    return table, time.perf_counter() - start


def per_game(meta: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for name, results in (("meta_ppo", meta), ("ppo_qlearn", baseline)):
        with_queries = steps_to_optimum(results, "steps_with_queries")
        plain = steps_to_optimum(results, "steps_plain")
        with_queries["steps_plain"] = plain["steps_plain"]
        summary = with_queries.groupby("game").agg(
            success_rate=("success", "mean"),
            median_steps_with_queries=("steps_with_queries", "median"),
            min_steps_with_queries=("steps_with_queries", "min"),
            max_steps_with_queries=("steps_with_queries", "max"),
            median_steps_plain=("steps_plain", "median"),
            final_value=("final_value", "mean"),
            optimum=("optimum", "first"),
            total_steps_with_queries=("total_steps", "max"),
        )
        summary.insert(0, "method", name)
        rows.append(summary.reset_index())
    return pd.concat(rows, ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=_seeds, default=_seeds("0-4"))
    parser.add_argument("--baseline-seeds", type=_seeds, default=_seeds("0-4"))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    meta, meta_seconds = timed_sweep("meta_ppo", args.seeds, args.workers)
    baseline, baseline_seconds = timed_sweep("ppo_qlearn", args.baseline_seeds, args.workers)
    meta.to_csv(RESULTS / "meta_runs.csv", index=False)
    baseline.to_csv(RESULTS / "baseline_runs.csv", index=False)
    summary = per_game(meta, baseline)
    summary.to_csv(RESULTS / "summary.csv", index=False)
    pd.set_option("display.width", 200)
    print(summary.to_string(index=False))
    meta_runs = steps_to_optimum(meta)
    meta_plain = steps_to_optimum(meta, "steps_plain")
    base_plain = steps_to_optimum(baseline, "steps_plain")
    print(
        f"\nmeta_ppo: {len(meta_runs)} runs in {meta_seconds:.1f} s wall; "
        f"success {meta_runs['success'].mean():.1%}; median steps to optimum "
        f"{meta_runs['steps_with_queries'].median():,.0f} (with queries), "
        f"{meta_plain['steps_plain'].median():,.0f} (plain)"
    )
    print(
        f"ppo_qlearn: {len(base_plain)} runs in {baseline_seconds:.1f} s wall; "
        f"success {base_plain['success'].mean():.1%}; median steps to optimum "
        f"{base_plain['steps_plain'].median():,.0f} (plain, successful runs)"
    )
    both = meta_plain.merge(base_plain, on=["game", "seed"], suffixes=("_meta", "_base"))
    solved = both.dropna(subset=["steps_plain_meta", "steps_plain_base"])
    if len(solved):
        ratio = (solved["steps_plain_base"] / solved["steps_plain_meta"]).median()
        print(
            f"median ratio of plain steps (baseline / meta) over {len(solved)} runs both "
            f"solved: {ratio:.1f}x"
        )


if __name__ == "__main__":
    main()
