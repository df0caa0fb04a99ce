"""Algorithm 1 on the 3x3 suite with the network follower, end to end, on fresh seeds: the
follower pre-trained against random leaders (``NetworkConfig()``), a PPO leader committing to
one table per episode (``LEADER_PPO_CONTINUAL``), the paper's verification (50 batches against
the final table), with the follower frozen or kept training (one batch per leader update).
Each run is scored on its final leader table against the exact time-aware Stackelberg value
(``experiments/network_run.py``). Neither the reply search nor the stationary solver fits these
games (59,049 leader tables), so no enumeration runs here.

Run: python benchmarks/bench_network_meta.py [--seeds 1000-1019] [--continual 0,1] [--workers 2]
(writes stackmeta_lite/data/results/network_meta.csv; rows of other runs already there are kept,
a re-run replaces its own)
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from stackmeta_lite.cli import _seeds
from stackmeta_lite.common import data
from stackmeta_lite.common.files import write_csv
from stackmeta_lite.common.processes import worker_pool
from stackmeta_lite.experiments.network_run import run_network
from stackmeta_lite.games.bigger import BIGGER_GAMES
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.method.network_meta import NetworkRunConfig

OUT = data.RESULTS / "network_meta.csv"
KEYS = ["game", "seed", "continual"]


def one_run(job: tuple[str, int, int]) -> dict:
    game, seed, continual = job
    start = time.process_time()
    row = run_network(IteratedGame(BIGGER_GAMES[game]), seed, NetworkRunConfig(continual=continual))
    return row | {"cpu_seconds": round(time.process_time() - start, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=_seeds, default=_seeds("1000-1019"))
    parser.add_argument(
        "--continual", type=_seeds, default=[0, 1], help="follower batches per leader update"
    )
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    jobs = [(g, s, c) for g in BIGGER_GAMES for s in args.seeds for c in args.continual]
    with worker_pool(args.workers, len(jobs)) as pool:
        new = pd.DataFrame(list(pool.map(one_run, jobs)))
    old = pd.read_csv(OUT) if OUT.exists() else new.iloc[:0]
    table = pd.concat([old, new], ignore_index=True).drop_duplicates(KEYS, keep="last")
    write_csv(table.sort_values(KEYS, kind="stable"), OUT)
    summary = table.groupby(["game", "continual"])[["at_optimum", "passed", "steps_with_queries"]]
    print(summary.mean().to_string())


if __name__ == "__main__":
    main()
