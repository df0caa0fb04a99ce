"""What each command of ``stackmeta-lite`` does (``stackmeta_lite.cli`` parses the arguments):
each takes the parsed arguments and returns the table to write. Learners load on first use."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from stackmeta_lite.games.iterated import IteratedGame

PROG = "stackmeta-lite"


def solve(args: argparse.Namespace) -> pd.DataFrame:
    from stackmeta_lite.games.iterated import IteratedGame
    from stackmeta_lite.games.solver import FOLLOWER_CLASSES, check_solvable, solve_iterated
    from stackmeta_lite.games.ties import TIE_RULES

    games = [IteratedGame(game, args.horizon) for game in args.games]  # names or games
    fitting = []  # per game, the follower classes that fit; a game none fits is refused
    for iterated in games:  # before solving any
        classes, refusals = [], []
        for follower_class in FOLLOWER_CLASSES:
            try:
                check_solvable(iterated, iterated.n_contexts, follower_class)
                classes.append(follower_class)
            except ValueError as error:
                refusals.append(f"{iterated.game.name}, {follower_class} follower: {error}")
        if not classes:
            raise ValueError("; ".join(refusals))
        for refusal in refusals:  # e.g. the stationary class of a 3x3 game
            print(f"skipped {refusal}", file=sys.stderr)
        fitting.append(classes)
    rows = []
    for iterated, classes in zip(games, fitting, strict=True):
        for follower_class in classes:
            for ties in TIE_RULES:
                solution = solve_iterated(iterated, follower_class, ties)
                say_table(iterated, follower_class, ties, solution.per_step, solution.leader_table)
                rows.append(
                    {
                        "game": iterated.game.name,
                        "follower_class": follower_class,
                        "ties": ties,
                        "per_step": solution.per_step,
                        "centred": solution.centred,
                        "leader_table": "".join(map(str, solution.leader_table)),
                    }
                )
    return pd.DataFrame(rows)


def say_table(
    iterated: IteratedGame, follower_class: str, ties: str, value: float, table: Sequence[int]
) -> None:
    """The optimal leader table in words, on stderr (stdout keeps the CSV)."""
    from stackmeta_lite.display.describe import leader_table_in_words

    words = leader_table_in_words(iterated, table)
    lines = [f"  {'when':<34} leader plays"]
    lines += [f"  {row['when']:<34} {row['leader plays']}" for _, row in words.iterrows()]
    words = "\n".join(lines)
    head = f"{iterated.game.name}, {follower_class} follower, {ties} ties: {value:.4g} per step"
    print(f"{head}\n{words}\n", file=sys.stderr)


def report(results: pd.DataFrame) -> str:
    """Per method: runs that end at the exact optimum with a verified follower, and the median
    env steps to get there (the paper's count, verification included) over those runs."""
    from stackmeta_lite.experiments.summaries import run_summary

    runs = run_summary(results)
    table = runs.groupby("method", sort=False).agg(
        runs=("success", "size"),
        at_optimum=("success", "sum"),
        median_steps=("steps_with_queries_verified", "median"),
    )
    table["at the optimum"] = table["at_optimum"].astype(str) + "/" + table["runs"].astype(str)
    table["median steps"] = table["median_steps"].map(
        lambda steps: "none reached it" if pd.isna(steps) else f"{steps:,.0f}"
    )
    return table.reset_index()[["method", "at the optimum", "median steps"]].to_string(index=False)


def benchmark(args: argparse.Namespace) -> pd.DataFrame:
    from stackmeta_lite.experiments.backends import connect_ray
    from stackmeta_lite.experiments.sweep import SweepError, run_sweep

    if args.address is not None and args.backend != "ray":
        raise ValueError(f"--address needs --backend ray, got --backend {args.backend}")
    if args.backend == "ray":
        print(f"Ray cluster: {connect_ray(args.address)}", file=sys.stderr)

    try:
        results = run_sweep(
            args.games,
            args.seeds,
            args.methods,
            backend=args.backend,
            workers=args.workers,
            store=args.runs,
        )
    except SweepError as error:
        if args.out is not None and len(error.results):
            write_table(error.results, args.out)
        print(f"{PROG}: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    print(report(results), file=sys.stderr)
    return results


def bos(args: argparse.Namespace) -> pd.DataFrame:
    from stackmeta_lite.experiments.bos import battle_of_the_sexes
    from stackmeta_lite.method.qlearn_opponent import RESETS

    return battle_of_the_sexes(args.seeds, args.resets or RESETS)


def train(args: argparse.Namespace) -> pd.DataFrame:
    from stackmeta_lite.experiments.checkpoint import save_pair
    from stackmeta_lite.games.iterated import IteratedGame
    from stackmeta_lite.games.solver import check_measurable
    from stackmeta_lite.learners import torch_threads
    from stackmeta_lite.method.leader import train_leader
    from stackmeta_lite.method.presets import LEADER_PPO, PAPER_FOLLOWER_PG
    from stackmeta_lite.method.pretrain import pretrain_follower

    iterated = IteratedGame(args.game, args.horizon)  # a name or a game
    check_measurable(iterated, "training a pair")  # pre-training and evaluate measure exactly
    with torch_threads(1):
        follower = pretrain_follower(iterated, PAPER_FOLLOWER_PG, args.seed).follower
        leader = train_leader(iterated, follower.greedy(), LEADER_PPO, args.seed)
    save_pair(args.out, iterated, follower, leader.tables[-1])
    print(f"saved the pair to {args.out}", file=sys.stderr)
    return evaluate_pair(args.out)


def evaluate(args: argparse.Namespace) -> pd.DataFrame:
    return evaluate_pair(args.pair)


def evaluate_pair(path: Path) -> pd.DataFrame:
    """One row: the pair's leader table, its value and the follower's exact gap (raw, per step)
    next to the exact strong Stackelberg value."""
    from stackmeta_lite.experiments.checkpoint import load_pair
    from stackmeta_lite.games.solver import best_response_gap, solve_iterated
    from stackmeta_lite.method.followers import follower_policies_for
    from stackmeta_lite.method.verify import leader_value

    iterated, follower, table = load_pair(path)
    value, _ = leader_value(follower, iterated, table)
    policies = follower_policies_for(follower, iterated, table[None])
    gap = best_response_gap(iterated, table[None], policies)[0] / iterated.horizon
    row = {
        "game": iterated.game.name,
        "horizon": iterated.horizon,
        "leader_table": "".join(map(str, table)),
        "leader_value": value,
        "best_response_gap": gap,
        "optimum": solve_iterated(iterated).per_step,
    }
    return pd.DataFrame([row])


def write_table(table: pd.DataFrame, out: Path | None) -> None:
    from stackmeta_lite.common.files import write_csv

    if out is None:
        table.to_csv(sys.stdout, index=False)
        return
    write_csv(table, out)
    print(f"wrote {len(table)} rows to {out}", file=sys.stderr)
