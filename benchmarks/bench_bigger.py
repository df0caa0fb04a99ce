"""Exact references beyond 2x2: the time-aware Stackelberg value of every game of the 3x3 suite
and of seeded random 3x3 games, strong and weak ties, with the seconds each solve takes.

Run: python benchmarks/bench_bigger.py [--random-seeds 1000-1003]
Writes stackmeta_lite/data/results/bigger_exact.csv.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from stackmeta_lite.cli import _seeds
from stackmeta_lite.common import data
from stackmeta_lite.common.files import write_csv
from stackmeta_lite.games.bigger import BIGGER_GAMES, random_game
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.solver import solve_iterated
from stackmeta_lite.games.ties import TIE_RULES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--random-seeds", type=_seeds, default=_seeds("1000-1003"))
    parser.add_argument("--horizon", type=int, default=10)
    args = parser.parse_args()
    games = [*BIGGER_GAMES.values(), *(random_game(seed) for seed in args.random_seeds)]
    rows = []
    for game in games:
        iterated = IteratedGame(game, args.horizon)
        for ties in TIE_RULES:
            start = time.perf_counter()
            solution = solve_iterated(iterated, "time_aware", ties)
            rows.append(
                {
                    "game": game.name,
                    "follower_class": "time_aware",
                    "ties": ties,
                    "per_step": solution.per_step,
                    "leader_table": "".join(map(str, solution.leader_table)),
                    "leader_tables": iterated.n_contexts,
                    "seconds": round(time.perf_counter() - start, 2),
                }
            )
            print(rows[-1], flush=True)
    write_csv(pd.DataFrame(rows), data.RESULTS / "bigger_exact.csv")


if __name__ == "__main__":
    main()
