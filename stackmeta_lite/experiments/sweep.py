"""Sweeps: many runs in parallel on local cores (processes), in this process (serial) or on a
Ray cluster, resumable through a ``RunStore``; and meta pre-training of many (game, seed) pairs."""

from __future__ import annotations

import traceback
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from stackmeta_lite.common.processes import check_workers, worker_pool
from stackmeta_lite.common.validation import check_bool, check_choice
from stackmeta_lite.experiments.backends import BACKENDS, outcomes
from stackmeta_lite.experiments.run import DEFAULT_RUN, RunConfig, RunSpec, check_run, run_spec
from stackmeta_lite.experiments.store import RunStore
from stackmeta_lite.games.bimatrix import BimatrixGame
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.naming import resolve_games
from stackmeta_lite.learners import torch_threads
from stackmeta_lite.method.followers import FollowerConfig
from stackmeta_lite.method.presets import PAPER_FOLLOWER_PG
from stackmeta_lite.method.pretrain import PretrainResult, pretrain_follower


def _run_star(spec: RunSpec) -> tuple[pd.DataFrame | None, str, str]:
    """One run in a worker: (table, "", "") or, when it fails, (None, error, traceback), so one
    failing run cannot take the others down."""
    try:
        with torch_threads(1):
            return run_spec(spec), "", ""
    except Exception as error:
        return None, f"{type(error).__name__}: {error}", traceback.format_exc()


def _pretrain_job(args: tuple) -> PretrainResult:
    game, seed, config, record_every = args
    with torch_threads(1):
        return pretrain_follower(IteratedGame(game), config, seed, record_every)


def _seed_list(seeds: Iterable[int]) -> list[int]:
    """``seeds`` as a list (iterated once per game and method), or a ValueError naming them."""
    if isinstance(seeds, str | bytes) or not isinstance(seeds, Iterable):
        raise ValueError(f"seeds must be a list of integers such as [0, 1], got {seeds!r}")
    return list(seeds)


def pretrain_sweep(
    games: Sequence[str | BimatrixGame],
    seeds: Iterable[int],
    config: FollowerConfig = PAPER_FOLLOWER_PG,
    record_every: int | None = None,
    workers: int | None = None,
) -> tuple[pd.DataFrame, dict[tuple[str, int], PretrainResult]]:
    """Meta pre-training of every (game, seed) on local cores: the learning curves as one tidy
    table (game, seed, steps in both conventions, tables exact, mean best-response gap per step,
    measured every ``record_every`` steps and at the end) and the results, keyed by (game name,
    seed). Games are names or ``BimatrixGame`` objects, each name once."""
    check_workers(workers)
    seeds = _seed_list(seeds)
    specs = [
        check_run(game, seed, "meta_ppo", RunConfig(follower=config))
        for game in resolve_games(games)
        for seed in seeds
    ]
    jobs = [(spec.game, spec.seed, config, record_every) for spec in specs]
    keys = [(spec.game.name, spec.seed) for spec in specs]
    with worker_pool(workers, max(len(jobs), 1)) as pool:
        results = dict(zip(keys, pool.map(_pretrain_job, jobs), strict=True))
    history = pd.DataFrame(
        [
            {"game": game, "seed": seed, **row}
            for (game, seed), result in results.items()
            for row in result.history
        ]
    )
    return history, results


class SweepError(RuntimeError):
    """Some runs of a sweep failed. ``results`` holds every finished run (also saved in the run
    store, if one was given) and ``failures`` says which runs failed and why."""

    def __init__(self, results: pd.DataFrame, failures: pd.DataFrame, store: Path | None):
        self.results, self.failures = results, failures
        listing = "; ".join(
            f"({row.game}, {row.seed}, {row.method}): {row.error}" for row in failures.itertuples()
        )
        where = f"; finished runs are saved in {store}, rerun to retry" if store else ""
        super().__init__(f"{len(failures)} run(s) failed: {listing}{where}")


def run_sweep(
    games: Sequence[str | BimatrixGame],
    seeds: Iterable[int],
    methods: Sequence[str] = ("meta_ppo",),
    config: RunConfig = DEFAULT_RUN,
    backend: str = "processes",
    workers: int | None = None,
    progress: bool | None = None,
    store: str | Path | None = None,
) -> pd.DataFrame:
    """All (game, seed, method) runs, in parallel on local cores (``processes``), in this
    process (``serial``) or on a Ray cluster (``ray``, needs the ``ray`` extra). Games are names
    or ``BimatrixGame`` objects, each name once (the ``game`` column holds the name).

    Every run is validated before any training, its size included. With ``store`` (a directory, see
    ``results.RunStore``) each run is saved as it finishes and a rerun skips the finished ones.
    A failing run does not stop the others: at the end ``SweepError`` names each failed run and
    its error and carries the finished runs' table.
    """
    check_choice("backend", backend, BACKENDS)
    check_workers(workers)
    if progress is not None:
        check_bool("progress", progress)
    games = resolve_games(games)  # old spellings resolved: one game, one name
    if isinstance(methods, str):  # would be read letter by letter
        raise ValueError(f"methods must be a list of names such as [{methods!r}], got {methods!r}")
    seeds = _seed_list(seeds)  # iterated once per game and method
    specs = [check_run(g, s, m, config) for m in methods for g in games for s in seeds]
    keys = [spec.key for spec in specs]
    repeated = sorted(key for key, count in Counter(keys).items() if count > 1)
    if repeated:
        raise ValueError(f"each run must appear once; repeated (game, seed, method): {repeated}")
    runs = RunStore(store, {"config": repr(config)}) if store is not None else None
    tables = {key: runs.load(key) for key in keys if runs.finished(key)} if runs else {}
    failures = []
    disable = None if progress is None else not progress  # None: only on a terminal
    bar = tqdm(total=len(keys), initial=len(tables), desc="runs", disable=disable)
    todo = [spec for spec in specs if spec.key not in tables]
    for spec, (table, error, details) in outcomes(_run_star, todo, backend, workers):
        key = spec.key
        if table is None:
            failures.append(
                {"game": spec.game.name, "seed": spec.seed, "method": spec.method, "error": error}
            )
            if runs:
                runs.record_failure(key, error, details)
        else:
            tables[key] = table
            if runs:
                runs.save(key, table)
        bar.update()
    bar.close()
    finished = [tables[key] for key in keys if key in tables]
    results = pd.concat(finished, ignore_index=True) if finished else pd.DataFrame()
    if failures:
        raise SweepError(results, pd.DataFrame(failures), runs.directory if runs else None)
    return results
