"""Command line: ``python -m stackmeta_lite {solve,benchmark,bos}`` (also ``stackmeta-lite``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from stackmeta_lite.games import CANONICAL_GAMES


def _games(text: str) -> list[str]:
    return list(CANONICAL_GAMES) if text == "all" else text.split(",")


def _seeds(text: str) -> list[int]:
    """'0-4' or '0,3,7'."""
    try:
        if "-" in text:
            low, high = (int(part) for part in text.split("-"))
            return list(range(low, high + 1))
        return [int(part) for part in text.split(",")]
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"seeds must look like 0-4 or 0,3,7, got {text!r}"
        ) from error


def _write(table: pd.DataFrame, out: Path | None) -> None:
    if out is None:
        table.to_csv(sys.stdout, index=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False)
    print(f"wrote {len(table)} rows to {out}", file=sys.stderr)


def _solve(args: argparse.Namespace) -> pd.DataFrame:
    from stackmeta_lite.games import make_game
    from stackmeta_lite.iterated import IteratedGame
    from stackmeta_lite.solver import FOLLOWER_CLASSES, TIE_RULES, solve_iterated

    rows = []
    for name in args.games:
        iterated = IteratedGame(make_game(name), args.horizon)
        for follower_class in FOLLOWER_CLASSES:
            for ties in TIE_RULES:
                solution = solve_iterated(iterated, follower_class, ties)
                rows.append(
                    {
                        "game": name,
                        "follower_class": follower_class,
                        "ties": ties,
                        "per_step": solution.per_step,
                        "centred": solution.centred,
                        "leader_table": "".join(map(str, solution.leader_table)),
                    }
                )
    return pd.DataFrame(rows)


def _benchmark(args: argparse.Namespace) -> pd.DataFrame:
    from stackmeta_lite.experiments import connect_ray, run_sweep

    if args.address is not None and args.backend != "ray":
        raise ValueError(f"--address needs --backend ray, got --backend {args.backend}")
    if args.backend == "ray":
        print(f"Ray cluster: {connect_ray(args.address)}", file=sys.stderr)

    return run_sweep(
        args.games, args.seeds, args.methods, backend=args.backend, workers=args.workers
    )


def _bos(args: argparse.Namespace) -> pd.DataFrame:
    from stackmeta_lite.bos import battle_of_the_sexes

    return battle_of_the_sexes(args.seeds)


def parser() -> argparse.ArgumentParser:
    """The command-line parser."""
    from stackmeta_lite.experiments import BACKENDS, METHODS

    root = argparse.ArgumentParser(prog="stackmeta-lite", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    solve = commands.add_parser("solve", help="exact Stackelberg values of iterated games")
    solve.add_argument("--games", type=_games, default=list(CANONICAL_GAMES))
    solve.add_argument("--horizon", type=int, default=10)
    solve.set_defaults(action=_solve)
    bench = commands.add_parser("benchmark", help="run methods on games and seeds (tidy rows)")
    bench.add_argument(
        "--games", type=_games, default=list(CANONICAL_GAMES), help="comma-separated names or 'all'"
    )
    bench.add_argument("--seeds", type=_seeds, default=_seeds("0-4"))
    bench.add_argument("--methods", nargs="+", choices=METHODS, default=["meta_ppo"])
    bench.add_argument("--backend", choices=BACKENDS, default="processes")
    bench.add_argument("--workers", type=int, default=None)
    bench.add_argument(
        "--address",
        default=None,
        help="with --backend ray: the Ray cluster to join, host:port as printed by "
        "`ray start --head` (default: $RAY_ADDRESS, else a private Ray on this machine)",
    )
    bench.set_defaults(action=_benchmark)
    bos = commands.add_parser("bos", help="Battle of the Sexes: Q-table reset vs continuous")
    bos.add_argument("--seeds", type=_seeds, default=_seeds("0-3"))
    bos.set_defaults(action=_bos)
    for command in (solve, bench, bos):
        command.add_argument(
            "--out", type=Path, default=None, help="CSV file to write; stdout if absent"
        )
    return root


def main(argv: list[str] | None = None) -> int:
    """Entry point; bad arguments exit with status 2 and a message naming the bad value."""
    root = parser()
    args = root.parse_args(argv)
    try:
        table = args.action(args)
    except ValueError as error:
        root.error(str(error))
    _write(table, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
