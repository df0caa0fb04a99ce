"""Continual training against Algorithm 1's frozen follower, on fresh seeds: our method
(``meta_ppo_ac_continual``: the actor-critic follower keeps training while the leader trains)
with the follower frozen or kept training, and with the leader's 40 or 80 updates, so each part
of the change is measured on its own. Scored the one way (``experiments.scoring``).

Run: python benchmarks/bench_continual.py [--seeds 1000-1019]
(writes stackmeta_lite/data/results/continual_ablation.csv: one row per variant and game)
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
from stackmeta_lite.experiments.summaries import per_game, run_summary
from stackmeta_lite.experiments.sweep import run_sweep
from stackmeta_lite.games.bimatrix import CANONICAL_GAMES
from stackmeta_lite.method.presets import LEADER_PPO_CONTINUAL

OUT = data.RESULTS / "continual_ablation.csv"
LEADER_UPDATES = (40, 80)
CONTINUAL = (0, 1)  # follower updates per leader update (0: frozen, Algorithm 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=_seeds, default=range(1000, 1020))
    args = parser.parse_args()
    tables = []
    for updates, continual in product(LEADER_UPDATES, CONTINUAL):
        leader = replace(LEADER_PPO_CONTINUAL, iterations=updates)
        config = RunConfig(leader=leader, continual=continual)
        start = time.perf_counter()
        results = run_sweep(CANONICAL_GAMES, args.seeds, ["meta_ppo_ac_continual"], config=config)
        seconds = time.perf_counter() - start
        games = per_game(run_summary(results))
        games.insert(0, "continual", continual)
        games.insert(0, "leader_updates", updates)
        games["wall_seconds"] = round(seconds, 1)
        tables.append(games)
        print(updates, continual, f"{games['success_rate'].mean():.3f}", flush=True)
    write_csv(pd.concat(tables, ignore_index=True), OUT)


if __name__ == "__main__":
    main()
