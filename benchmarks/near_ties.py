"""Why the step-wise leader fails where it does: the exact value landscape around the final
leader table of every failed ``meta_ppo`` run (stackmeta_lite/data/results/runs_meta_ppo.csv).

The step-wise leader samples its answers to the queries and its play actions independently from
one policy. For each state, this measures (exactly, against the run's frozen follower, which is
re-created from the run's seed) how the leader's value per step changes when only its answer in
that state changes, only its play there, or both. A state where both single changes lose but the
joint change gains is a local optimum of independent sampling; a state where one change gains
but the run stayed is a learning-speed failure.

Run: python benchmarks/near_ties.py
Writes stackmeta_lite/data/results/near_ties.csv (one row per failed run and state).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stackmeta_lite.common import data
from stackmeta_lite.common.files import write_csv
from stackmeta_lite.experiments.summaries import run_summary
from stackmeta_lite.games.bimatrix import make_game
from stackmeta_lite.games.iterated import IteratedGame, expected_returns
from stackmeta_lite.learners import torch_threads
from stackmeta_lite.method.followers import follower_policies_for
from stackmeta_lite.method.presets import PAPER_FOLLOWER_PG
from stackmeta_lite.method.pretrain import pretrain_follower

RESULTS = data.RESULTS


def value(iterated: IteratedGame, follower, answers: np.ndarray, plays: np.ndarray) -> float:
    """Leader value per step when the follower replies to ``answers`` and the leader plays
    ``plays`` (both deterministic tables)."""
    policies = follower_policies_for(follower, iterated, answers[None])
    leader, _ = expected_returns(iterated, plays[None], policies)
    return float(leader[0]) / iterated.horizon


def landscape(game: str, seed: int, table: np.ndarray) -> list[dict]:
    iterated = IteratedGame(make_game(game))
    follower = pretrain_follower(iterated, PAPER_FOLLOWER_PG, seed).follower
    base = value(iterated, follower, table, table)
    rows = []
    for state in range(iterated.n_states):
        other = table.copy()
        other[state] = (other[state] + 1) % iterated.n_leader_actions
        answer, play = (
            value(iterated, follower, other, table),
            value(iterated, follower, table, other),
        )
        both = value(iterated, follower, other, other)
        rows.append(
            {
                "game": game,
                "seed": seed,
                "leader_table": "".join(map(str, table)),
                "state": state,
                "answer_only": answer - base,
                "play_only": play - base,
                "both": both - base,
                "coupled_local_optimum": answer < base and play < base and both > base,
            }
        )
    return rows


def main() -> None:
    runs = pd.read_csv(RESULTS / "runs_meta_ppo.csv", dtype={"leader_table": str})
    failed = run_summary(runs).query("~success")
    last = runs.groupby(["game", "seed"]).tail(1).set_index(["game", "seed"])["leader_table"]
    rows = []
    with torch_threads(1):
        for run in failed.itertuples():
            table = np.array([int(a) for a in last[run.game, run.seed]])
            rows += landscape(run.game, run.seed, table)
    table = pd.DataFrame(rows).round(6)
    write_csv(table, RESULTS / "near_ties.csv")
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
