"""Tune the gradient follower (GradientConfig) on tuning seeds only (below 100).

Every setting pre-trains a follower for every (game, seed) on the same step budget; the score is
measured afterwards with the exact solver (tuning outcomes, never a training signal): the share of
pre-trainings exact on all leader tables, then the mean number of exact tables. The reply search
has nothing to tune (its result does not depend on its batch size); it is run once for reference.
Run: python benchmarks/tune_followers.py [--stage 1|2]
(appends to stackmeta_lite/data/results/tune_followers.csv)
"""

from __future__ import annotations

import argparse
import itertools
import time
from dataclasses import asdict, replace

import pandas as pd

from stackmeta_lite.common import data
from stackmeta_lite.common.files import append_csv
from stackmeta_lite.common.processes import worker_pool
from stackmeta_lite.games.bimatrix import CANONICAL_GAMES
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.learners import torch_threads
from stackmeta_lite.method.followers import GradientConfig, SearchConfig
from stackmeta_lite.method.pretrain import pretrain_follower

SEEDS = (0,)  # tuning seeds; headline numbers use 1000-1019
BUDGET = 40_000  # env steps, paper convention
OUT = data.RESULTS / "tune_followers.csv"
STAGES = {  # stage 1: step size and batch; stage 2: exploration and baseline at stage 1's best
    1: [
        GradientConfig(lr=lr, episodes_per_batch=k, max_steps=BUDGET)
        for lr, k in itertools.product((0.01, 0.03, 0.1), (2, 4))
    ],
    2: [
        replace(GradientConfig(lr=0.01, episodes_per_batch=2, max_steps=BUDGET), **change)
        for change in (
            {"lr": 0.003},
            {"lr": 0.005},
            {"entropy_start": 0.0},
            {"entropy_start": 0.03},
            {"baseline_rate": 0.3},
            {"optimizer": "sgd", "lr": 0.3},
        )
    ],
}


def score(job: tuple) -> dict:
    config, game, seed = job
    iterated = IteratedGame(game)
    with torch_threads(1):
        result = pretrain_follower(iterated, config, seed)
    exact = result.history[-1]["tables_exact"]
    return {"game": game, "seed": seed, "tables_exact": exact, "all": exact == iterated.n_contexts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stage", type=int, choices=sorted(STAGES), default=1)
    args = parser.parse_args()
    configs = [SearchConfig()] * (args.stage == 1) + STAGES[args.stage]
    rows = []
    with worker_pool(2, len(CANONICAL_GAMES) * len(SEEDS)) as pool:  # ends with us
        for config in configs:
            start = time.perf_counter()
            jobs = [(config, g, s) for g in CANONICAL_GAMES for s in SEEDS]
            runs = pd.DataFrame(pool.map(score, jobs))
            rows.append(
                {
                    "stage": args.stage,
                    "learner": type(config).__name__,
                    **asdict(config),
                    "runs": len(runs),
                    "share_all_exact": runs["all"].mean(),
                    "mean_tables_exact": runs["tables_exact"].mean(),
                    "min_tables_exact": runs["tables_exact"].min(),
                    "wall_seconds": time.perf_counter() - start,
                }
            )
            print(rows[-1], flush=True)
    append_csv(pd.DataFrame(rows), OUT)


if __name__ == "__main__":
    main()
