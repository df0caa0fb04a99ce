"""The PPO+Q-learn baseline (``ppo_qlearn``: ``BASELINE_PPO`` leader, a fresh Q-learner before
every leader episode, ``BASELINE_QLEARNING``) on the 3x3 suite, fresh seeds, each run scored on
its final leader table in the time-aware class (``experiments/baseline_run.py``), as
``bench_network_meta.py`` scores the learned follower.

Run: python benchmarks/bench_bigger_baseline.py [--seeds 1000-1019] [--workers 2]
(writes stackmeta_lite/data/results/baseline_bigger.csv)
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from stackmeta_lite.cli import _seeds
from stackmeta_lite.common import data
from stackmeta_lite.common.files import write_csv
from stackmeta_lite.common.processes import worker_pool
from stackmeta_lite.experiments.baseline_run import run_baseline_time_aware
from stackmeta_lite.games.bigger import BIGGER_GAMES
from stackmeta_lite.games.iterated import IteratedGame

OUT = data.RESULTS / "baseline_bigger.csv"


def one_run(job: tuple[str, int]) -> dict:
    game, seed = job
    start = time.process_time()
    row = run_baseline_time_aware(IteratedGame(BIGGER_GAMES[game]), seed)
    return row | {"cpu_seconds": round(time.process_time() - start, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=_seeds, default=_seeds("1000-1019"))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    jobs = [(game, seed) for game in BIGGER_GAMES for seed in args.seeds]
    with worker_pool(args.workers, len(jobs)) as pool:
        table = pd.DataFrame(list(pool.map(one_run, jobs)))
    write_csv(table, OUT)
    summary = table.groupby("game")[["at_optimum", "at_optimum_vs_exact", "steps_with_queries"]]
    print(summary.mean().to_string())


if __name__ == "__main__":
    main()
