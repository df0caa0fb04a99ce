"""Tune the PPO+Q-learn baseline (``ppo_qlearn``) on tuning seeds only (below 100), without the
exact solver, as ``tune_ours.py`` tunes our method: one stage of settings, each changing the PPO
leader or the Q-learning follower of the presets, all 12 games on the same seeds.

The score is what the method itself can see (``experiments.tuning.own_view``): the mean final
leader value against its own (last) Q-learner, values within ``VALUE_TOLERANCE`` of the best
counting as equal, then the median env steps from which that value settles. The baseline has
no verification of its own (no fine-tuning to pass), so that share is not part of its choice.
Run: python benchmarks/tune_baseline.py [--choose]
(appends to stackmeta_lite/data/results/tune_baseline.csv)
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import pandas as pd

from stackmeta_lite.common import data
from stackmeta_lite.common.files import append_csv
from stackmeta_lite.experiments.run import RunConfig
from stackmeta_lite.experiments.sweep import run_sweep
from stackmeta_lite.experiments.tuning import choose, own_view
from stackmeta_lite.games.bimatrix import CANONICAL_GAMES
from stackmeta_lite.method.presets import BASELINE_PPO, BASELINE_QLEARNING

SEEDS = (0, 1)  # tuning seeds (below 100); headline numbers use 1000-1019
OUT = data.RESULTS / "tune_baseline.csv"
SETTINGS = [
    {},
    {"leader": {"lr": 0.003}},
    {"leader": {"lr": 0.02}},
    {"leader": {"epochs": 10}},
    {"leader": {"init_std": 0.1}},
    {"qlearning": {"lr": 0.1}},
    {"qlearning": {"lr": 0.6}},
    {"qlearning": {"epsilon": 0.2}},
    {"qlearning": {"gamma": 0.99}},
    {"qlearning": {"episodes": 40}},
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--choose", action="store_true", help="print the chosen setting")
    args = parser.parse_args()
    if args.choose:
        print(choose(pd.read_csv(OUT), passed=False)["change"])
        return
    for change in SETTINGS:
        config = RunConfig(
            leader=replace(BASELINE_PPO, **change.get("leader", {})),
            qlearning=replace(BASELINE_QLEARNING, **change.get("qlearning", {})),
        )
        start = time.perf_counter()
        results = run_sweep(CANONICAL_GAMES, SEEDS, ["ppo_qlearn"], config=config, progress=False)
        row = {"change": repr(change), **own_view(results)}
        row["wall_seconds"] = round(time.perf_counter() - start, 1)
        append_csv(pd.DataFrame([row]), OUT)
        print(row, flush=True)


if __name__ == "__main__":
    main()
