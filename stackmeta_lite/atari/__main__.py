"""Command line for the bullet trade: measure bullet values, or run the meta-RL experiment.

Examples (DIR: stackmeta_lite/data/atari for the committed data the package ships):
  python -m stackmeta_lite.atari values --games 100 --out DIR
  python -m stackmeta_lite.atari markets --games 30 --out DIR
  python -m stackmeta_lite.atari experiment --order seller --seeds 1000-1004 --out DIR
  python -m stackmeta_lite.atari power --order buyer --runs 10 --out DIR
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from stackmeta_lite.atari.bullet_value import bullet_values, compare_markets, measure_hit_rates
from stackmeta_lite.atari.equilibrium import best_follower_actions, trade_equilibrium
from stackmeta_lite.atari.experiment import budget_for, run_experiment
from stackmeta_lite.atari.market import ROLES
from stackmeta_lite.atari.verification import STYLES, verification_power
from stackmeta_lite.common.budget import budget, is_ci
from stackmeta_lite.common.files import check_output_file, write_csv
from stackmeta_lite.common.validation import parse_seeds

PROG = "python -m stackmeta_lite.atari"


def read_values(out: Path) -> tuple[float, float]:
    """The seller's and the buyer's value per bullet from ``out/bullet_values.csv``."""
    path = out / "bullet_values.csv"
    if not path.is_file():
        raise SystemExit(f"{PROG}: {path} is missing; run `{PROG} values --out {out}` first")
    table = pd.read_csv(path)
    missing = sorted({"shooter", "value"} - set(table.columns))
    if missing:
        raise SystemExit(
            f"{PROG}: {path} lacks the column(s) {missing} (it has {list(table.columns)}); "
            f"rerun `{PROG} values --out {out}`"
        )
    values = table.set_index("shooter")["value"]
    roles = [role for role in ROLES if role not in values.index]
    if roles:
        raise SystemExit(f"{PROG}: {path} has no row for the shooter(s) {roles}")
    return float(values[ROLES[0]]), float(values[ROLES[1]])


def values(args: argparse.Namespace) -> None:
    """Measure, print per-game statistics, values and equilibria; optionally write tidy CSVs."""
    games = measure_hit_rates(range(args.games))
    table = bullet_values(games)
    columns = ["steps", "bullets", "launches", "kills"]
    print(games.groupby("shooter")[columns].agg(["mean", "std", "min", "max"]).T.round(2))
    print(table.T.to_string(header=False))
    v_seller, v_buyer = table.set_index("shooter").loc[list(ROLES), "value"]
    for leader in ROLES:
        print(trade_equilibrium(v_seller, v_buyer, leader))
    if args.out is not None:
        write_csv(games, output_files(args)[0])
        write_csv(table, output_files(args)[1])


def markets(args: argparse.Namespace) -> None:
    """Compare the bullet values of the markets in ``bullet_value.MARKETS``."""
    table = compare_markets(range(args.games))
    print(table[["market", "shooter", "value", "value_se", "z_nearest_price"]].round(3))
    if args.out is not None:
        write_csv(table, output_files(args)[0])


def experiment(args: argparse.Namespace) -> None:
    """Run every seed of one order; after each seed, rewrite the curves and summary CSVs so that
    a later failure loses nothing already trained."""
    v_seller, v_buyer = read_values(args.out)
    exact = trade_equilibrium(v_seller, v_buyer, args.order)
    best = best_follower_actions(args.order, v_seller, v_buyer)
    curves, summaries = [], []
    for seed in args.seeds:
        result = run_experiment(args.order, seed, budget_for(args.order, is_ci()))
        summary = {**result.summary, "exact_price": exact.price}
        summary["at_exact_price"] = summary["greedy_price"] == exact.price
        table = [int(a) for a in summary["follower_table"]]
        summary["follower_exact_rows"] = sum(a in ok for a, ok in zip(table, best, strict=True))
        summary["follower_rows"] = len(best)
        print(summary, flush=True)
        curves.append(result.curves)
        summaries.append(summary)
        write_csv(pd.concat(curves), output_files(args)[0])
        write_csv(pd.DataFrame(summaries), output_files(args)[1])


def power(args: argparse.Namespace) -> None:
    """Measure the phase-3 verification's power on deliberately wrong followers."""
    exact = trade_equilibrium(*read_values(args.out), args.order)
    config = budget_for(args.order, is_ci()).verify
    table = verification_power(exact, range(args.runs), args.style, config)
    print(table.groupby("follower")["flagged"].agg(["mean", "sum", "count"]))
    write_csv(table, output_files(args)[0])


def output_files(args: argparse.Namespace) -> list[Path]:
    """The CSVs the subcommand writes into ``--out`` (none without it)."""
    if args.out is None:
        return []
    if args.run is values:
        names = ["bullet_value_games.csv", "bullet_values.csv"]
    elif args.run is markets:
        names = ["markets.csv"]
    elif args.run is experiment:
        names = [f"trade_curves_{args.order}.csv", f"trade_summary_{args.order}.csv"]
    else:
        suffix = "" if args.style == "fresh" else "_fine_tune"
        names = [f"verification_power_{args.order}{suffix}.csv"]
    return [args.out / name for name in names]


def at_least_two(text: str) -> int:
    """argparse type: an integer >= 2 (a standard error needs two games)."""
    value = int(text)
    if value < 2:
        raise argparse.ArgumentTypeError(f"must be an integer >= 2 games, got {value}")
    return value


def seed_list(text: str) -> list[int]:
    """argparse type: ``0,3,7`` or ``1000-1004``, seeds >= 0, no repeats, at least one, at most
    ``MAX_SEEDS``."""
    try:
        return parse_seeds(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def existing_folder(text: str) -> Path:
    """argparse type: a folder that exists."""
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is not an existing folder")
    return path


def parser() -> argparse.ArgumentParser:
    """The argument parser of the four subcommands."""
    main_parser = argparse.ArgumentParser(
        prog=PROG,
        description=__doc__.splitlines()[0],
        epilog="\n".join(__doc__.splitlines()[2:]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = main_parser.add_subparsers(required=True)
    out_help = "folder for the CSVs (must exist; optional)"
    sub = commands.add_parser("values", help="value of a bullet to each player (AimShooter)")
    sub.add_argument("--games", type=at_least_two, default=100, help="games per player, >= 2")
    sub.add_argument("--out", type=existing_folder, default=None, help=out_help)
    sub.set_defaults(run=values)
    sub = commands.add_parser("markets", help="bullet values of the compared market settings")
    sub.add_argument("--games", type=at_least_two, default=30, help="games per player, >= 2")
    sub.add_argument("--out", type=existing_folder, default=None, help=out_help)
    sub.set_defaults(run=markets)
    sub = commands.add_parser("experiment", help="meta-RL trade experiment for one order")
    sub.add_argument("--order", required=True, choices=list(ROLES), help="who leads")
    sub.add_argument(
        "--seeds", type=seed_list, default=[0], help="e.g. 0,3,7 or 1000-1004 (one run each)"
    )
    sub.add_argument(
        "--out",
        type=existing_folder,
        required=True,
        help="folder holding bullet_values.csv; the curves and summary CSVs go here",
    )
    sub.set_defaults(run=experiment)
    sub = commands.add_parser("power", help="phase-3 verification against wrong followers")
    sub.add_argument("--order", required=True, choices=list(ROLES), help="who leads")
    sub.add_argument("--runs", type=at_least_two, default=10, help="verification runs (seeds 0..)")
    sub.add_argument(
        "--style",
        choices=list(STYLES),
        default="fresh",
        help="fresh: phase 3 as run here; fine-tune: the paper's (a confident wrong follower)",
    )
    sub.add_argument(
        "--out", type=existing_folder, required=True, help="folder holding bullet_values.csv"
    )
    sub.set_defaults(run=power)
    return main_parser


def main(argv: list[str] | None = None) -> None:
    """Parse the subcommand and run it; a bad budget or value exits with status 2 and a message."""
    main_parser = parser()
    args = main_parser.parse_args(argv)
    try:
        budget()  # an unknown STACKMETA_BUDGET is refused before any computing
        for path in output_files(args):  # so is an output that is no regular file
            check_output_file(path)
        args.run(args)
    except ValueError as error:
        main_parser.error(str(error))


if __name__ == "__main__":
    main()
