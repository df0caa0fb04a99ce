"""Command line of stackmeta-lite (also ``python -m stackmeta_lite``); see ``DESCRIPTION``."""

from __future__ import annotations

import argparse
from pathlib import Path

from stackmeta_lite import __version__, commands
from stackmeta_lite.commands import PROG
from stackmeta_lite.common.validation import parse_seeds
from stackmeta_lite.games.bimatrix import CANONICAL_GAMES, BimatrixGame
from stackmeta_lite.games.game_file import read_game
from stackmeta_lite.games.naming import game_names

DESCRIPTION = """\
Meta-RL for Stackelberg learning in iterated matrix games (Gerstgrasser & Parkes), small.

examples:
  stackmeta-lite solve --games prisoners_dilemma,chicken --horizon 10
  stackmeta-lite benchmark --games all --seeds 1000-1019 --runs runs/ --out results.csv
  stackmeta-lite train --game prisoners_dilemma --seed 0 --out pair.pt
  stackmeta-lite solve --game-file my_game.json
  stackmeta-lite evaluate pair.pt

Bad arguments exit with status 2 and a message naming the bad value; a sweep with failed
runs exits with status 1 after saving the finished ones.
"""


def _games(text: str) -> list[str]:
    """'all' or comma-separated names (old spellings too), each known and given once."""
    try:
        return game_names(list(CANONICAL_GAMES) if text == "all" else text.split(","))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _seeds(text: str) -> list[int]:
    """'0-4', '0,3,7' or both ('0-4,10'): a non-empty list of distinct seeds >= 0."""
    try:
        return parse_seeds(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


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


def _game_file(text: str) -> BimatrixGame:
    """The game of a JSON payoff file (``games.game_file``), read before any computing."""
    try:
        return read_game(text)
    except (OSError, ValueError) as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _game_options(
    sub: argparse.ArgumentParser, name: str, required: bool = False, **option: object
) -> None:
    """``--<name>`` (catalog names) or ``--game-file`` (your own game), not both; both set
    ``args.<name>``: one game for ``--game``, a list for ``--games``."""
    group = sub.add_mutually_exclusive_group(required=required)
    group.add_argument(f"--{name}", **option)
    group.add_argument(
        "--game-file",
        dest=name,
        type=_game_file if name == "game" else lambda text: [_game_file(text)],
        default=argparse.SUPPRESS,
        metavar="PATH",
        help='your own game instead: a JSON file {"name": ..., "leader_payoffs": [[...]], '
        '"follower_payoffs": [[...]]}, rows the leader\'s actions, e.g. my_game.json',
    )


def parser() -> argparse.ArgumentParser:
    """The command-line parser."""
    from stackmeta_lite.experiments.backends import BACKENDS
    from stackmeta_lite.method.methods import METHODS

    root = argparse.ArgumentParser(
        prog=PROG, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    root.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    subcommands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, action, help: str) -> argparse.ArgumentParser:
        sub = subcommands.add_parser(name, help=help, description=help)
        sub.set_defaults(action=action)
        return sub

    games_help = "comma-separated game names or 'all' (default all 12), e.g. hero,chicken"
    solve = command("solve", commands.solve, "exact Stackelberg values of iterated games")
    _game_options(solve, "games", type=_games, default=list(CANONICAL_GAMES), help=games_help)
    solve.add_argument(
        "--horizon", type=_positive, default=10, help="steps per episode (default 10), e.g. 20"
    )
    bench = command(
        "benchmark",
        commands.benchmark,
        "train methods on games and seeds, one row per leader update",
    )
    _game_options(bench, "games", type=_games, default=list(CANONICAL_GAMES), help=games_help)
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
        "--workers",
        type=_positive,
        default=None,
        help="processes (default: one per core, never more than the runs; more than the cores "
        "only when asked, at most 4 per core), e.g. 2",
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
    bos = command(
        "bos", commands.bos, "Battle of the Sexes: a Q-learning follower with and without resets"
    )
    bos.add_argument(
        "--seeds", type=_seeds, default=_seeds("0-3"), help="seeds (default 0-3), e.g. 0-9"
    )
    bos.add_argument(
        "--resets",
        nargs="+",
        metavar="RESET",
        default=None,
        help="when the follower's Q-table restarts: one or more of update (the paper's reset), "
        "episode, never (default all three), e.g. update never",
    )
    for sub in (solve, bench, bos):
        sub.add_argument(
            "--out",
            type=Path,
            default=None,
            help="CSV file to write (atomically); stdout if absent, e.g. results.csv",
        )
    train = command(
        "train", commands.train, "train one (follower, leader) pair and save it to a checkpoint"
    )
    _game_options(
        train, "game", type=_one_game, required=True, help="game name, e.g. prisoners_dilemma"
    )
    train.add_argument("--seed", type=_seed, default=0, help="seed >= 0 (default 0), e.g. 3")
    train.add_argument(
        "--horizon", type=_positive, default=10, help="steps per episode (default 10), e.g. 10"
    )
    train.add_argument("--out", type=Path, required=True, help="checkpoint to write, e.g. pair.pt")
    evaluate = command(
        "evaluate", commands.evaluate, "load a saved pair and compare it with the exact solution"
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
        if out is not None:  # before any computing (and before making --out's directory)
            runs = getattr(args, "runs", None)
            if runs is not None and runs.resolve() in (out.resolve(), *out.resolve().parents):
                raise ValueError(
                    f"--out {out} is or lies in the --runs directory {runs}, whose run files it "
                    "could replace; write it elsewhere"
                )
            args.out = check_output_file(out)
        table = args.action(args)
    except (ValueError, FileNotFoundError) as error:
        root.error(str(error))
    commands.write_table(table, None if args.command in ("train", "evaluate") else args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
