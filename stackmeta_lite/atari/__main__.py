"""Command line for the bullet trade: measure bullet values, or run the meta-RL experiment.

``python -m stackmeta_lite.atari values --games 50 --out data/atari`` remeasures the bullet values;
``python -m stackmeta_lite.atari experiment --order seller --seeds 0 1 2 --out data/atari`` trains
(budget from ``STACKMETA_BUDGET``) and writes ``trade_curves_<order>.csv`` and
``trade_summary_<order>.csv``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from stackmeta_lite.atari.bullet_value import bullet_values, measure_hit_rates
from stackmeta_lite.atari.equilibrium import trade_equilibrium
from stackmeta_lite.atari.experiment import run_experiment
from stackmeta_lite.atari.orders import ORDERS


def values(args: argparse.Namespace) -> None:
    """Measure, print per-game statistics, values and equilibria; optionally write tidy CSVs."""
    games = measure_hit_rates(range(args.games))
    table = bullet_values(games)
    columns = ["steps", "bullets", "launches", "kills"]
    print(games.groupby("shooter")[columns].agg(["mean", "std", "min", "max"]).T.round(2))
    print(table.T.to_string(header=False))
    v_seller, v_buyer = table["value"]
    for leader in ORDERS:
        print(trade_equilibrium(v_seller, v_buyer, leader))
    if args.out is not None:
        games.to_csv(args.out / "bullet_value_games.csv", index=False)
        table.to_csv(args.out / "bullet_values.csv", index=False)


def experiment(args: argparse.Namespace) -> None:
    """Run every seed of one order, print each summary, write the curves and summary CSVs."""
    v_seller, v_buyer = pd.read_csv(args.out / "bullet_values.csv")["value"]
    exact = trade_equilibrium(v_seller, v_buyer, args.order).price
    results = []
    for seed in args.seeds:
        results.append(run_experiment(args.order, seed))
        print({**results[-1].summary, "exact_price": exact}, flush=True)
    curves = pd.concat([r.curves for r in results], ignore_index=True)
    summary = pd.DataFrame([r.summary for r in results]).assign(exact_price=exact)
    curves.to_csv(args.out / f"trade_curves_{args.order}.csv", index=False)
    summary.to_csv(args.out / f"trade_summary_{args.order}.csv", index=False)


def main() -> None:
    """Parse the subcommand and run it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(required=True)
    measure = commands.add_parser("values", help="value of a bullet under the AimShooter")
    measure.add_argument("--games", type=int, default=50, help="games per shooter (seeds 0..n-1)")
    measure.add_argument("--out", type=Path, default=None, help="folder for the CSVs (optional)")
    measure.set_defaults(run=values)
    train = commands.add_parser("experiment", help="meta-RL trade experiment for one order")
    train.add_argument("--order", required=True, choices=list(ORDERS), help="who leads")
    train.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="one run each")
    train.add_argument(
        "--out", type=Path, required=True, help="folder holding bullet_values.csv; CSVs go here"
    )
    train.set_defaults(run=experiment)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
