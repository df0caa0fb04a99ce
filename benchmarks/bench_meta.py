"""The 12-game benchmark on the fresh seeds: meta-RL with the faithful PPO leader (``meta_ppo``),
its table-commitment ablation (``meta_ppo_table``) and the PPO+Q-learn baseline: success rates,
steps to the exact optimum in both conventions with and without verification, a paired per-run
comparison with the baseline, and the wall time of the meta-RL sweep.

Run: python benchmarks/bench_meta.py [--seeds 1000-1019] [--baseline-seeds 1000-1001]
         [--baseline-csv FILE]  (reuse baseline runs already computed)
Writes stackmeta_lite/data/results/meta_runs.csv, baseline_runs.csv, summary.csv, paired.csv and
timing.csv (wall and CPU seconds per sweep).
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import pandas as pd

from stackmeta_lite.cli import _seeds
from stackmeta_lite.common import data
from stackmeta_lite.common.files import write_csv
from stackmeta_lite.experiments.summaries import overall, paired, per_game, run_summary
from stackmeta_lite.experiments.sweep import run_sweep
from stackmeta_lite.games.bimatrix import CANONICAL_GAMES

RESULTS = data.RESULTS
META_METHODS = ("meta_ppo", "meta_ppo_table")


def cpu_seconds() -> float:
    """CPU time of this process and its finished worker processes (user + system)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def timed_sweep(
    method: str, seeds: list[int], workers: int
) -> tuple[pd.DataFrame, tuple[float, float]]:
    """The sweep's runs, its wall time and its CPU time in seconds (on a busy machine the CPU
    time divided by the cores is the wall time the sweep would take alone)."""
    start, cpu = time.perf_counter(), cpu_seconds()
    table = run_sweep(CANONICAL_GAMES, seeds, [method], workers=workers, progress=False)
    return table, (time.perf_counter() - start, cpu_seconds() - cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=_seeds, default=_seeds("1000-1019"))
    parser.add_argument("--baseline-seeds", type=_seeds, default=_seeds("1000-1001"))
    parser.add_argument("--baseline-csv", type=Path, default=None)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    tables, seconds = [], {}
    for method in META_METHODS:
        table, seconds[method] = timed_sweep(method, args.seeds, args.workers)
        tables.append(table)
    meta = pd.concat(tables, ignore_index=True)
    if args.baseline_csv is None:
        baseline, seconds["ppo_qlearn"] = timed_sweep("ppo_qlearn", args.baseline_seeds, 2)
    else:
        baseline = pd.read_csv(args.baseline_csv)
    write_csv(meta, RESULTS / "meta_runs.csv")
    write_csv(baseline, RESULTS / "baseline_runs.csv")
    runs = run_summary(pd.concat([meta, baseline], ignore_index=True))
    write_csv(per_game(runs), RESULTS / "summary.csv")
    pairs = paired(runs, "meta_ppo", "ppo_qlearn", "steps_with_queries_verified")
    write_csv(pairs, RESULTS / "paired.csv")
    pd.set_option("display.width", 200)
    print(overall(runs).T.to_string())
    timing = pd.DataFrame(
        [
            {"method": m, "runs": runs["method"].eq(m).sum(), "wall_seconds": w, "cpu_seconds": c}
            for m, (w, c) in seconds.items()
        ]
    )
    write_csv(timing, RESULTS / "timing.csv")
    print(timing.to_string(index=False))
    print(
        f"paired with the baseline ({len(pairs)} runs, paper convention, verification "
        f"included): meta_ppo needs fewer steps in {pairs['fewer_steps'].mean():.0%}"
    )


if __name__ == "__main__":
    main()
