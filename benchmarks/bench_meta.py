"""The 12-game benchmark on the fresh seeds, every method scored the one way of
``stackmeta_lite.experiments.scoring``: the paper's method (its PG follower, pre-trained and
frozen) with a PPO, PG or DQN leader (``meta_ppo``, ``meta_pg``, ``meta_dqn``), the exhaustive
reply search as a reference follower (``search_ppo``) and the PPO+Q-learn baseline
(``ppo_qlearn``).

Each invocation runs the given methods on the given seeds and writes, per method,
stackmeta_lite/data/results/runs_<method>.csv (the rows where a scored value changes, see
``summaries.changes_only``) and its compute in timing.csv; then it summarises every
runs_*.csv present, under both scorings: summary.csv (per method, scoring and game),
overall.csv (per method and scoring), headline.csv (the one table: success, worst game, median
and worst steps, compute), paired.csv (each method against the baseline on the seeds both ran,
verification steps included; a failed run counts as infinitely many steps) and
paired_summary.csv (per method and scoring: successes, share of pairs with fewer steps, median
ratio of the baseline's steps to the method's).

Run: python benchmarks/bench_meta.py [--methods meta_ppo meta_pg ...] [--seeds 1000-1019]
         [--workers 1] [--store DIR]  (a run store: an interrupted sweep resumes)
         [--extend]  (more seeds: keep the committed runs of the seeds not given)
     python benchmarks/bench_meta.py --methods  (no methods: only the summaries)
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import pandas as pd

from stackmeta_lite.cli import _seeds
from stackmeta_lite.common import data
from stackmeta_lite.common.files import write_csv
from stackmeta_lite.experiments.run import DEFAULT_RUN, RunSpec
from stackmeta_lite.experiments.store import RunStore
from stackmeta_lite.experiments.summaries import (
    SCORINGS,
    changes_only,
    overall,
    paired,
    per_game,
    run_summary,
)
from stackmeta_lite.experiments.sweep import run_sweep
from stackmeta_lite.games.bimatrix import CANONICAL_GAMES
from stackmeta_lite.method.methods import METHODS

RESULTS = data.RESULTS
BASELINE = "ppo_qlearn"
STEPS = "steps_with_queries_verified"


def cpu_seconds() -> float:
    """CPU time of this process and its finished worker processes (user + system)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def timed_sweep(
    method: str, seeds: list[int], workers: int, store: Path | None
) -> tuple[pd.DataFrame, dict]:
    """The sweep's runs and the compute of the runs it trained (runs already in the store are
    loaded, not trained): wall and CPU seconds (on a busy machine the CPU time divided by the
    cores is the wall time the sweep would take alone)."""
    where = None if store is None else store / method
    stored = {run.key for run in _stored(where, method, seeds)}
    start, cpu = time.perf_counter(), cpu_seconds()
    table = run_sweep(
        CANONICAL_GAMES, seeds, [method], workers=workers, progress=False, store=where
    )
    timing = {
        "method": method,
        "seeds": f"{min(seeds)}-{max(seeds)}",
        "runs_trained": len(CANONICAL_GAMES) * len(seeds) - len(stored),
        "wall_seconds": round(time.perf_counter() - start, 1),
        "cpu_seconds": round(cpu_seconds() - cpu, 1),
    }
    return table, timing


def _stored(where: Path | None, method: str, seeds: list[int]) -> list:
    """The runs of this sweep already finished in the store."""
    if where is None or not where.exists():
        return []
    runs = RunStore(where, {"config": repr(DEFAULT_RUN)})
    specs = [RunSpec(game, seed, method) for game in CANONICAL_GAMES for seed in seeds]
    return [spec for spec in specs if runs.finished(spec.key)]


def record_timing(timing: dict) -> None:
    """Append this invocation's compute to timing.csv (one row per invocation, so a resumed
    sweep adds the runs it trained); a re-run of a method on the same seeds replaces the
    earlier row, whose runs it replaced."""
    path = RESULTS / "timing.csv"
    old = pd.read_csv(path) if path.exists() else pd.DataFrame(columns=list(timing))
    replaced = (old["method"] == timing["method"]) & (old["seeds"] == timing["seeds"])
    write_csv(pd.concat([old[~replaced], pd.DataFrame([timing])], ignore_index=True), path)


def compute(timing: pd.DataFrame) -> pd.DataFrame:
    """Per method: runs trained and their wall and CPU seconds, over every invocation."""
    columns = ["runs_trained", "wall_seconds", "cpu_seconds"]
    return timing.groupby("method")[columns].sum().reset_index()


def headline(runs: pd.DataFrame) -> pd.DataFrame:
    """The one table: per method and scoring, success, the worst game, median and worst steps to
    the optimum (paper count, verification included) and the sweep's compute."""
    games = per_game(runs)
    worst = games.loc[games.groupby(["method", "scoring"])["success_rate"].idxmin()]
    worst = worst.set_index(["method", "scoring"])[["game", "success_rate"]]
    table = overall(runs).join(
        worst.rename(columns=lambda c: f"worst_{c}"), on=["method", "scoring"]
    )
    table.insert(1, "label", table["method"].map(lambda m: METHODS[m].label))
    timing = compute(pd.read_csv(RESULTS / "timing.csv"))
    columns = [
        "method",
        "label",
        "scoring",
        "runs",
        "success_rate",
        "worst_game",
        "worst_success_rate",
        f"median_{STEPS}",
        f"max_{STEPS}",
    ]
    table = table[columns].merge(timing, on="method", how="left")
    rank = table["method"].map({name: i for i, name in enumerate(METHODS)})
    return table.assign(rank=rank).sort_values(["scoring", "rank"]).drop(columns="rank")


def summarise() -> pd.DataFrame:
    """summary.csv, overall.csv, headline.csv and paired.csv from every runs_*.csv, under both
    scorings."""
    rows = pd.concat(
        [pd.read_csv(p, dtype={"leader_table": str}) for p in sorted(RESULTS.glob("runs_*.csv"))],
        ignore_index=True,
    )
    runs = pd.concat([run_summary(rows, scoring) for scoring in SCORINGS], ignore_index=True)
    write_csv(per_game(runs), RESULTS / "summary.csv")
    write_csv(overall(runs), RESULTS / "overall.csv")
    table = headline(runs)
    write_csv(table, RESULTS / "headline.csv")
    methods = [m for m in METHODS if m in set(runs["method"]) and m != BASELINE]
    if BASELINE in set(runs["method"]):
        pairs = pd.concat([pairs_with_baseline(runs, m) for m in methods], ignore_index=True)
        write_csv(pairs, RESULTS / "paired.csv")
        summary = pairs.groupby(["method", "scoring"], sort=False).agg(
            pairs=("success", "size"),
            success=("success", "sum"),
            baseline_success=("baseline_success", "sum"),
            fewer_steps=("fewer_steps", "mean"),
            median_ratio=("ratio", "median"),
        )
        write_csv(summary.reset_index(), RESULTS / "paired_summary.csv")
    return table


def pairs_with_baseline(runs: pd.DataFrame, method: str) -> pd.DataFrame:
    """``summaries.paired`` of ``method`` and the baseline, in columns that name neither."""
    names = {
        method: "steps",
        f"{method}_success": "success",
        BASELINE: "baseline_steps",
        f"{BASELINE}_success": "baseline_success",
    }
    pairs = paired(runs, method, BASELINE, STEPS).rename(columns=names)
    pairs.insert(0, "method", method)
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--methods", nargs="*", default=["meta_ppo", "meta_pg", "meta_dqn"])
    parser.add_argument("--seeds", type=_seeds, default=_seeds("1000-1019"))
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument(
        "--extend", action="store_true", help="keep the committed runs of the other seeds"
    )
    args = parser.parse_args()
    for method in args.methods:
        table, timing = timed_sweep(method, args.seeds, args.workers, args.store)
        rows = changes_only(table)
        path = RESULTS / f"runs_{method}.csv"
        if args.extend and path.exists():
            old = pd.read_csv(path, dtype={"leader_table": str})
            rows = pd.concat([old[~old["seed"].isin(args.seeds)], rows], ignore_index=True)
        write_csv(rows, path)
        record_timing(timing)
        print(timing, flush=True)
    table = summarise().drop(columns="label")
    steps = [f"median_{STEPS}", f"max_{STEPS}"]
    table[steps] = table[steps].round().astype("Int64")
    print(table.to_markdown(index=False, floatfmt=".4g"))


if __name__ == "__main__":
    main()
