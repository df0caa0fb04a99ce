"""Follower pre-training on the fresh seeds: how many (game, seed) pre-trainings end with a
follower exact on every leader table, and the curve of exactness against env steps, for the reply
search (default), the tuned gradient learner, the paper's PG and the model-based reference.

Exactness is measured with the exact solver after and during training; no learner reads it.
Run: python benchmarks/bench_followers.py [--seeds 1000-1019] [--gradient-seeds 1000-1001]
         [--learners NAME ...]
Updates stackmeta_lite/data/results/follower_curves.csv (one row per checkpoint) and
follower_summary.csv (one row per learner), replacing the rows of the learners it runs.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from stackmeta_lite.cli import _seeds
from stackmeta_lite.common import data
from stackmeta_lite.common.files import write_csv
from stackmeta_lite.experiments.sweep import pretrain_sweep
from stackmeta_lite.games.bimatrix import CANONICAL_GAMES
from stackmeta_lite.learners.pg import PGConfig
from stackmeta_lite.method.followers import GradientConfig, ModelConfig, SearchConfig

RESULTS = data.RESULTS
GRADIENT = GradientConfig(max_steps=80_000)
"""The tuned gradient learner (benchmarks/tune_followers.py) with the budget of the curve."""
LEARNERS = {
    "reply search": (SearchConfig(), 500),
    "model-based reference": (ModelConfig(), 15),
    "gradient (tuned)": (GRADIENT, 5_000),
    "paper's PG": (PGConfig(), 5_250),
}
"""Learner name: (config, env steps between checkpoints)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=_seeds, default=_seeds("1000-1019"))
    parser.add_argument("--gradient-seeds", type=_seeds, default=_seeds("1000-1001"))
    parser.add_argument("--learners", nargs="+", choices=list(LEARNERS), default=list(LEARNERS))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    curves, rows = [], []
    for name in args.learners:
        config, record_every = LEARNERS[name]
        seeds = (
            args.seeds if isinstance(config, SearchConfig | ModelConfig) else args.gradient_seeds
        )
        start = time.perf_counter()
        history, _ = pretrain_sweep(CANONICAL_GAMES, seeds, config, record_every, args.workers)
        seconds = time.perf_counter() - start
        curves.append(history.assign(learner=name))
        final = history.groupby(["game", "seed"]).tail(1)
        rows.append(
            {
                "learner": name,
                "pretrainings": len(final),
                "share_all_tables_exact": (final["share_exact"] == 1.0).mean(),
                "mean_tables_exact": final["tables_exact"].mean(),
                "min_tables_exact": final["tables_exact"].min(),
                "median_steps_with_queries": final["steps_with_queries"].median(),
                "max_steps_with_queries": final["steps_with_queries"].max(),
                "median_steps_plain": final["steps_plain"].median(),
                "wall_seconds": seconds,
            }
        )
        print(rows[-1], flush=True)
    update(RESULTS / "follower_curves.csv", pd.concat(curves, ignore_index=True))
    print(update(RESULTS / "follower_summary.csv", pd.DataFrame(rows)).to_string(index=False))


def update(path: Path, new: pd.DataFrame) -> pd.DataFrame:
    """Write ``new`` to ``path``, keeping the rows of other learners already there."""
    if path.exists():
        old = pd.read_csv(path)
        new = pd.concat([old[~old["learner"].isin(new["learner"])], new], ignore_index=True)
    write_csv(new, path)
    return new


if __name__ == "__main__":
    main()
