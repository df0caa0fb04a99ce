"""Tune our method (``meta_ppo_ac``: the actor-critic follower, a PPO leader that plays the
table it answered) on tuning seeds only (below 100), without the exact solver.

Stage 1 is the follower's pre-training budget, stage 2 the leader's step size at stage 1's
choice, stage 3 (``meta_ppo_ac_continual``) the leader's number of updates and the follower
updates per leader update while the leader trains (0: frozen, Algorithm 1), stage 4 how many
tries keep an action optimistic for the follower (``CriticConfig.optimistic_tries``).
Every setting runs all 12 games on the same seeds. The score is what the method itself
can see (``experiments.tuning``): the share of runs whose follower passes the paper's
verification, then the mean final leader value against its own follower (raw payoff per step;
means whose totals differ by less than one run's ``VALUE_TOLERANCE`` count as equal), then the
median env steps
(paper convention, verification included) from which the leader's value stays at its final
value.
Run: python benchmarks/tune_ours.py --stage 1|2|3|4, or --choose to print each stage's choice
(appends to stackmeta_lite/data/results/tune_ours.csv)
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
from stackmeta_lite.method.presets import CRITIC_FOLLOWER, LEADER_PPO, LEADER_PPO_CONTINUAL

SEEDS = tuple(range(10))  # tuning seeds (below 100); headline numbers use 1000-1019
OUT = data.RESULTS / "tune_ours.csv"
STAGES = {
    1: [{"follower": {"max_steps": steps}} for steps in (5_000, 10_000, 15_000, 20_000, 30_000)],
    2: [{"leader": {"lr": lr}} for lr in (0.008, 0.02, 0.05)],
    3: [
        {"leader": {"iterations": iterations}, "continual": updates}
        for iterations in (40, 80)
        for updates in (0, 1, 2)
    ],
    4: [{"follower": {"optimistic_tries": tries}} for tries in (1, 2, 3, 5, 8)],
}
METHOD = {
    1: "meta_ppo_ac",
    2: "meta_ppo_ac",
    3: "meta_ppo_ac_continual",
    4: "meta_ppo_ac_continual",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stage", type=int, choices=sorted(STAGES))
    parser.add_argument("--choose", action="store_true", help="print each stage's choice")
    parser.add_argument("--follower-steps", type=int, default=CRITIC_FOLLOWER.max_steps)
    args = parser.parse_args()
    if args.choose:
        for stage, rows in pd.read_csv(OUT).groupby("stage"):
            print(f"stage {stage}: {choose(rows)['change']}")
        return
    follower = replace(CRITIC_FOLLOWER, max_steps=args.follower_steps)
    leader = LEADER_PPO_CONTINUAL if METHOD[args.stage] == "meta_ppo_ac_continual" else LEADER_PPO
    for change in STAGES[args.stage]:
        config = RunConfig(
            follower=replace(follower, **change.get("follower", {})),
            leader=replace(leader, **change.get("leader", {})),
            continual=change.get("continual"),
        )
        start = time.perf_counter()
        results = run_sweep(CANONICAL_GAMES, SEEDS, [METHOD[args.stage]], config=config)
        row = {"stage": args.stage, "change": repr(change), **own_view(results)}
        row["wall_seconds"] = round(time.perf_counter() - start, 1)
        append_csv(pd.DataFrame([row]), OUT)
        print(row, flush=True)


if __name__ == "__main__":
    main()
