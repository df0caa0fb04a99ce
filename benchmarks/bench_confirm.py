"""A second block of fresh seeds for our methods: design choices made after looking at failures
on the headline seeds 1000-1019 (continual training, the verification afresh; each then chosen
on seeds 0-9) are checked here on seeds 1020-1039, which nothing has looked at.

Run: python benchmarks/bench_confirm.py [--seeds 1020-1039]
(writes stackmeta_lite/data/results/confirm_block.csv: per method and game, under both scorings)
"""

from __future__ import annotations

import argparse

import pandas as pd

from stackmeta_lite.cli import _seeds
from stackmeta_lite.common import data
from stackmeta_lite.common.files import write_csv
from stackmeta_lite.experiments.summaries import SCORINGS, per_game, run_summary
from stackmeta_lite.experiments.sweep import run_sweep
from stackmeta_lite.games.bimatrix import CANONICAL_GAMES

METHODS = ("meta_ppo_ac_continual", "meta_ppo_ac")
OUT = data.RESULTS / "confirm_block.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=_seeds, default=_seeds("1020-1039"))
    args = parser.parse_args()
    results = run_sweep(CANONICAL_GAMES, args.seeds, list(METHODS))
    table = pd.concat([per_game(run_summary(results, scoring)) for scoring in SCORINGS])
    write_csv(table, OUT)
    print(table.groupby(["method", "scoring"])["success_rate"].agg(["mean", "min"]).to_string())


if __name__ == "__main__":
    main()
