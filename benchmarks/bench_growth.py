"""How each method's cost grows from 2x2 to 3x3 (issue 22's comparison): the enumeration's cost
measured context by context (every context at 2x2; a seeded sample at 3x3, where the whole
search needs a 26 GiB table and is refused), then the growth table from the committed runs
(``overall.csv``, ``timing.csv``, ``network_meta.csv``, ``baseline_bigger.csv``; see
``experiments/growth.py``). The reply search's cost depends on the leader table only, not on
the payoffs, so one game per size measures it.

Run: python benchmarks/bench_growth.py [--contexts 200]
(writes stackmeta_lite/data/results/enumeration_cost.csv and growth.csv)
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from stackmeta_lite.common import data
from stackmeta_lite.common.files import write_csv
from stackmeta_lite.experiments.growth import enumeration_cost, growth_table
from stackmeta_lite.games.bigger import BIGGER_GAMES
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.naming import resolve_game


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contexts", type=int, default=200, help="3x3 contexts to search")
    args = parser.parse_args()
    small = IteratedGame(resolve_game("prisoners_dilemma"))
    large = IteratedGame(BIGGER_GAMES["rps_edge"])
    sample = np.random.default_rng(0).choice(large.n_contexts, args.contexts, replace=False)
    enumeration = pd.DataFrame(
        [
            enumeration_cost(small, np.arange(small.n_contexts)),
            enumeration_cost(large, sample),
        ]
    )
    write_csv(enumeration, data.RESULTS / "enumeration_cost.csv")
    results = {
        name: data.read(data.RESULTS, f"{name}.csv")
        for name in ("overall", "network_meta", "baseline_bigger", "timing")
    }
    table = growth_table(
        results["overall"],
        results["network_meta"],
        results["baseline_bigger"],
        enumeration,
        results["timing"],
    )
    write_csv(table, data.RESULTS / "growth.csv")
    print(enumeration.to_string(), table.to_string(), sep="\n\n")


if __name__ == "__main__":
    main()
