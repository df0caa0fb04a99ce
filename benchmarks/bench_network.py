"""The network follower on the 3x3 suite: exactness on held-out leader tables after
pre-training against random leaders (``method/followers/network.py``), on fresh seeds.

For each game and seed the follower is pre-trained with ``NetworkConfig()`` (4,000 episodes, each
against a uniformly random table of 59,049); then 300 leader tables drawn from a separate
generator (each met in training with probability below 7%) are scored against the exact
time-aware best responses: the share answered exactly and the mean gap (raw follower payoff per
step). Run: python benchmarks/bench_network.py [--seeds 1000-1001]
(writes stackmeta_lite/data/results/network_follower.csv)
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from stackmeta_lite.cli import _seeds
from stackmeta_lite.common import data
from stackmeta_lite.common.files import write_csv
from stackmeta_lite.common.processes import worker_pool
from stackmeta_lite.games.bigger import BIGGER_GAMES
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.learners import torch_threads
from stackmeta_lite.method.followers.network import NetworkConfig, held_out_gaps, train_network

HELD_OUT = 300
OUT = data.RESULTS / "network_follower.csv"


def score(job: tuple[str, int]) -> dict:
    game, seed = job
    iterated = IteratedGame(BIGGER_GAMES[game])
    start = time.process_time()
    with torch_threads(1):
        follower, steps = train_network(iterated, NetworkConfig(), seed)
        tables = np.random.default_rng([seed, 1]).integers(
            0, iterated.n_leader_actions, (HELD_OUT, iterated.n_states)
        )
        gaps = held_out_gaps(follower, tables)
    return {
        "game": game,
        "seed": seed,
        "steps_with_queries": steps,
        "held_out_tables": HELD_OUT,
        "share_exact": float((gaps <= 1e-9).mean()),
        "mean_gap": float(gaps.mean()),
        "max_gap": float(gaps.max()),
        "cpu_seconds": round(time.process_time() - start, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=_seeds, default=_seeds("1000-1001"))
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    jobs = [(game, seed) for game in BIGGER_GAMES for seed in args.seeds]
    with worker_pool(args.workers, len(jobs)) as pool:
        rows = list(pool.map(score, jobs))
    table = pd.DataFrame(rows)
    write_csv(table, OUT)
    print(table.to_markdown(index=False, floatfmt=".3g"))


if __name__ == "__main__":
    main()
