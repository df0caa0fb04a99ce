"""Command line of stackmeta-lite (also ``python -m stackmeta_lite``); see ``DESCRIPTION``."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

from stackmeta_lite.games.bimatrix import CANONICAL_GAMES, KNOWN_GAMES, make_game

PROG = "stackmeta-lite"
MAX_SEEDS = 100_000
"""A seed list longer than this is a typo, not a sweep (it would only fill memory)."""
DESCRIPTION = """\
Meta-RL for Stackelberg learning in iterated matrix games (Gerstgrasser & Parkes), small.

examples:
  stackmeta-lite solve --games prisoners_dilemma,chicken --horizon 10
  stackmeta-lite benchmark --games all --seeds 1000-1019 --runs runs/ --out results.csv
  stackmeta-lite train --game prisoners_dilemma --seed 0 --out pair.pt
  stackmeta-lite evaluate pair.pt

Bad arguments exit with status 2 and a message naming the bad value; a sweep with failed
runs exits with status 1 after saving the finished ones.
"""


def _games(text: str) -> list[str]:
    """'all' or comma-separated names, each known and given once."""
    names = list(CANONICAL_GAMES) if text == "all" else text.split(",")
    for name in names:
        if name not in KNOWN_GAMES:
            raise argparse.ArgumentTypeError(
                f"unknown game {name!r}; known games are: {', '.join(KNOWN_GAMES)}"
            )
    if len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(f"each game may appear once, got {text!r}")
    return names


def _seeds(text: str) -> list[int]:
    """'0-4', '0,3,7' or both ('0-4,10'): a non-empty list of distinct seeds >= 0."""
    seeds: list[int] = []
    try:
        for part in text.split(","):
            low, _, high = part.partition("-")
            first, last = int(low), int(high or low)
            if last < first:
                raise argparse.ArgumentTypeError(
                    f"seed range {part!r} is empty: write it low-high, e.g. {last}-{first}"
                )
            if len(seeds) + last - first + 1 > MAX_SEEDS:
                raise argparse.ArgumentTypeError(
                    f"at most {MAX_SEEDS:,} seeds per command, got {text!r}"
                )
            seeds.extend(range(first, last + 1))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"seeds must look like 0-4 or 0,3,7 (integers >= 0), got {text!r}"
        ) from None
    repeated = sorted(seed for seed, count in Counter(seeds).items() if count > 1)
    if repeated:
        raise argparse.ArgumentTypeError(f"seeds must be distinct; {text!r} repeats {repeated}")
    return seeds


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}")
    return value


def _seed(text: str) -> int:
    seeds = _seeds(text)
    if len(seeds) != 1:
        raise argparse.ArgumentTypeError(f"give one seed, e.g. 3, got {text!r}")
    return seeds[0]


def _one_game(text: str) -> str:
    if "," in text or text == "all":
        raise argparse.ArgumentTypeError(f"give one game name, e.g. hero, got {text!r}")
    return _games(text)[0]


def _solve(args: argparse.Namespace) -> pd.DataFrame:
    from stackmeta_lite.games.iterated import IteratedGame
    from stackmeta_lite.games.solver import (
        FOLLOWER_CLASSES,
        TIE_RULES,
        check_solvable,
        solve_iterated,
    )

    games = [IteratedGame(make_game(name), args.horizon) for name in args.games]
    for iterated in games:  # refuse too large problems before solving any
        for follower_class in FOLLOWER_CLASSES:
            check_solvable(iterated, iterated.n_contexts, follower_class)
    rows = []
    for iterated in games:
        for follower_class in FOLLOWER_CLASSES:
            for ties in TIE_RULES:
                solution = solve_iterated(iterated, follower_class, ties)
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


def _benchmark(args: argparse.Namespace) -> pd.DataFrame:
    from stackmeta_lite.experiments.backends import connect_ray
    from stackmeta_lite.experiments.sweep import SweepError, run_sweep

    if args.address is not None and args.backend != "ray":
        raise ValueError(f"--address needs --backend ray, got --backend {args.backend}")
    if args.backend == "ray":
        print(f"Ray cluster: {connect_ray(args.address)}", file=sys.stderr)

    try:
        return run_sweep(
            args.games,
            args.seeds,
            args.methods,
            backend=args.backend,
            workers=args.workers,
            store=args.runs,
        )
    except SweepError as error:
        if args.out is not None and len(error.results):
            _write(error.results, args.out)
        print(f"{PROG}: {error}", file=sys.stderr)
        raise SystemExit(1) from None


def _bos(args: argparse.Namespace) -> pd.DataFrame:
    from stackmeta_lite.experiments.bos import battle_of_the_sexes

    return battle_of_the_sexes(args.seeds)


def _train(args: argparse.Namespace) -> pd.DataFrame:
    from stackmeta_lite.experiments.checkpoint import save_pair
    from stackmeta_lite.games.iterated import IteratedGame
    from stackmeta_lite.learners import torch_threads
    from stackmeta_lite.method.leader import train_leader
    from stackmeta_lite.method.presets import LEADER_PPO, PAPER_FOLLOWER_PG
    from stackmeta_lite.method.pretrain import pretrain_follower

    iterated = IteratedGame(make_game(args.game), args.horizon)
    with torch_threads(1):
        follower = pretrain_follower(iterated, PAPER_FOLLOWER_PG, args.seed).follower
        leader = train_leader(iterated, follower.greedy(), LEADER_PPO, args.seed)
    save_pair(args.out, iterated, follower, leader.tables[-1])
    print(f"saved the pair to {args.out}", file=sys.stderr)
    return _evaluate_pair(args.out)


def _evaluate(args: argparse.Namespace) -> pd.DataFrame:
    return _evaluate_pair(args.pair)


def _evaluate_pair(path: Path) -> pd.DataFrame:
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


def _write(table: pd.DataFrame, out: Path | None) -> None:
    from stackmeta_lite.common.files import write_csv

    if out is None:
        table.to_csv(sys.stdout, index=False)
        return
    write_csv(table, out)
    print(f"wrote {len(table)} rows to {out}", file=sys.stderr)


def parser() -> argparse.ArgumentParser:
    """The command-line parser."""
    from stackmeta_lite.experiments.backends import BACKENDS
    from stackmeta_lite.method.methods import METHODS

    root = argparse.ArgumentParser(
        prog=PROG, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, action, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(action=action)
        return sub

    games_help = "comma-separated game names or 'all' (default all 12), e.g. hero,chicken"
    solve = command("solve", _solve, "exact Stackelberg values of iterated games")
    solve.add_argument("--games", type=_games, default=list(CANONICAL_GAMES), help=games_help)
    solve.add_argument(
        "--horizon", type=_positive, default=10, help="steps per episode (default 10), e.g. 20"
    )
    bench = command(
        "benchmark", _benchmark, "train methods on games and seeds, one row per leader update"
    )
    bench.add_argument("--games", type=_games, default=list(CANONICAL_GAMES), help=games_help)
    bench.add_argument(
        "--seeds",
        type=_seeds,
        default=_seeds("0-4"),
        help="a range, a list or both (default 0-4), e.g. 1000-1019 or 0,3,7 or 0-4,10",
    )
    bench.add_argument(
        "--methods",
        nargs="+",
        choices=METHODS,
        metavar="METHOD",
        default=["meta_ppo"],
        help=f"one or more of {', '.join(METHODS)} (default meta_ppo), e.g. meta_ppo ppo_qlearn",
    )
    bench.add_argument(
        "--backend",
        choices=BACKENDS,
        default="processes",
        help="where runs execute (default processes: local cores), e.g. serial",
    )
    bench.add_argument(
        "--workers", type=_positive, default=None, help="processes (default: all cores), e.g. 2"
    )
    bench.add_argument(
        "--address",
        default=None,
        help="with --backend ray: the Ray cluster to join, host:port as printed by "
        "`ray start --head` (default: $RAY_ADDRESS, else a private Ray on this machine), "
        "e.g. 127.0.0.1:6379",
    )
    bench.add_argument(
        "--runs",
        type=Path,
        default=None,
        help="directory that keeps each run as it finishes; rerunning with the same directory "
        "skips finished runs and retries failed ones (resume), e.g. runs/",
    )
    bos = command("bos", _bos, "Battle of the Sexes: a Q-learning follower with and without resets")
    bos.add_argument(
        "--seeds", type=_seeds, default=_seeds("0-3"), help="seeds (default 0-3), e.g. 0-9"
    )
    for sub in (solve, bench, bos):
        sub.add_argument(
            "--out",
            type=Path,
            default=None,
            help="CSV file to write (atomically); stdout if absent, e.g. results.csv",
        )
    train = command(
        "train", _train, "train one (follower, leader) pair and save it to a checkpoint"
    )
    train.add_argument(
        "--game", type=_one_game, required=True, help="game name, e.g. prisoners_dilemma"
    )
    train.add_argument("--seed", type=_seed, default=0, help="seed >= 0 (default 0), e.g. 3")
    train.add_argument(
        "--horizon", type=_positive, default=10, help="steps per episode (default 10), e.g. 10"
    )
    train.add_argument("--out", type=Path, required=True, help="checkpoint to write, e.g. pair.pt")
    evaluate = command(
        "evaluate", _evaluate, "load a saved pair and compare it with the exact solution"
    )
    evaluate.add_argument("pair", type=Path, help="checkpoint written by train, e.g. pair.pt")
    return root


def main(argv: list[str] | None = None) -> int:
    """Entry point; bad arguments exit with status 2 and a message naming the bad value."""
    from stackmeta_lite.common.files import check_output_file

    root = parser()
    args = root.parse_args(argv)
    try:
        out = getattr(args, "out", None)
        if out is not None:  # before any computing
            args.out = check_output_file(out)
        table = args.action(args)
    except (ValueError, FileNotFoundError) as error:
        root.error(str(error))
    _write(table, None if args.command in ("train", "evaluate") else args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
