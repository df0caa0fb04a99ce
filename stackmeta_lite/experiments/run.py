"""Experiment runners: one (game, seed, method) run as tidy rows, and sweeps over many of them.

Methods: ``meta_ppo``, ``meta_pg``, ``meta_dqn`` (the paper's Algorithm 1 with that leader, which
answers the queries and plays step by step), the ablations ``meta_ppo_table``, ``meta_pg_table``
and ``meta_dqn_table`` (the leader commits to one sampled table per episode), ``ppo_qlearn`` (the
nested-loop baseline with the same step-wise PPO leader, which a fresh Q-learner learns against
in every leader episode) and its ablation ``ppo_qlearn_table``.

One row per evaluation point (after each leader update) with: env steps in both conventions
(``steps_with_queries``, the paper's, and ``steps_plain``), the greedy leader's value per step on
the raw 1..4 scale (``leader_value``) and per episode centred (``leader_value_centred``), the exact
strong and weak stationary optima, the follower's exact best-response gap (raw, per step) and
``equilibrium_value``, which is the leader value only where the follower best-responds and NaN
elsewhere.
"""

from __future__ import annotations

import math
import os
import traceback
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from stackmeta_lite.common.files import RunStore
from stackmeta_lite.common.validation import check_choice, check_positive_int
from stackmeta_lite.games.bimatrix import game_name, make_game
from stackmeta_lite.games.iterated import IteratedGame, StepCounter, expected_returns
from stackmeta_lite.games.solver import best_response_gap, solve_iterated
from stackmeta_lite.learners import torch_threads
from stackmeta_lite.learners.ppo import PPOConfig
from stackmeta_lite.learners.qlearning import QLearningConfig
from stackmeta_lite.method.followers import SearchConfig
from stackmeta_lite.method.leader import (
    LeaderConfig,
    default_config,
    greedy_follower_response,
    train_leader,
    train_table_leader,
)
from stackmeta_lite.method.pretrain import (
    FollowerConfig,
    PretrainResult,
    follower_policies_for,
    pretrain_follower,
    verify,
)
from stackmeta_lite.method.qlearn_opponent import QLearningResponse

META_METHODS: tuple[str, ...] = (
    "meta_ppo",
    "meta_pg",
    "meta_dqn",
    "meta_ppo_table",
    "meta_pg_table",
    "meta_dqn_table",
)
METHODS: tuple[str, ...] = (*META_METHODS, "ppo_qlearn", "ppo_qlearn_table")
BACKENDS: tuple[str, ...] = ("processes", "serial", "ray")
VALUE_TOLERANCE = 0.01
"""A leader 'reaches the optimum' within this many raw payoff units per step (issue target)."""
GAP_TOLERANCE = 1e-6

FOLLOWER_PRETRAIN = SearchConfig()
"""Our meta pre-training: the reply search, run until every context's search is finished (the
paper: REINFORCE, ``PGConfig()``; see ``stackmeta_lite.method.followers``)."""
LEADER_PPO = PPOConfig(lr=0.008, batch_steps=500, iterations=40, epochs=10, init_std=0.1)
"""Our PPO leader: the paper's lr, batches of 500 steps instead of 1000, 40 updates of 10 epochs
(RLlib: 30), seeded random initial logits of std 0.1 and a tabular critic (the faithful leader;
tuned in benchmarks/tune_leader.py on seeds 0-5)."""
BASELINE_PPO = PPOConfig(lr=0.008, batch_steps=150, iterations=250)
"""The baseline's PPO leader: 10 leader episodes per update, each costing 81 episodes (80 of
Q-learning against the leader's current policy, then the leader's own)."""


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines one run besides game, seed and method."""

    follower: FollowerConfig = FOLLOWER_PRETRAIN
    leader: LeaderConfig | None = None  # None: LEADER_PPO, the paper's PG/DQN, BASELINE_PPO
    qlearning: QLearningConfig = field(default_factory=QLearningConfig)
    horizon: int = 10
    verify_iterations: int = 50

    def __post_init__(self) -> None:
        if not isinstance(self.follower, FollowerConfig):
            raise ValueError(
                "RunConfig.follower must be a SearchConfig, GradientConfig, ModelConfig or "
                f"PGConfig, got {self.follower!r}"
            )
        if not isinstance(self.qlearning, QLearningConfig):
            raise ValueError(
                f"RunConfig.qlearning must be a QLearningConfig, got {self.qlearning!r}"
            )
        if self.leader is not None and not isinstance(self.leader, LeaderConfig):
            raise ValueError(
                f"RunConfig.leader must be None or a PGConfig, PPOConfig or DQNConfig, "
                f"got {self.leader!r}"
            )
        check_positive_int("horizon", self.horizon)
        check_positive_int("verify_iterations", self.verify_iterations)

    def check_method(self, method: str) -> None:
        """Raise ValueError unless this config's leader config fits ``method``."""
        expected = type(_default_leader_config(method))
        if not isinstance(self.leader_config(method), expected):
            raise ValueError(
                f"method {method!r} needs a {expected.__name__} leader config, got "
                f"{type(self.leader).__name__}"
            )

    def leader_config(self, method: str) -> LeaderConfig:
        return self.leader if self.leader is not None else _default_leader_config(method)


def leader_algorithm(method: str) -> str:
    """The leader's learner of a method: ``pg``, ``ppo`` or ``dqn``."""
    if method.startswith("ppo_qlearn"):
        return "ppo"
    return method.removeprefix("meta_").removesuffix("_table")


def _default_leader_config(method: str) -> LeaderConfig:
    if method.startswith("ppo_qlearn"):
        return BASELINE_PPO
    algorithm = leader_algorithm(method)
    return LEADER_PPO if algorithm == "ppo" else default_config(algorithm)


def check_run(game: str, seed: int, method: str, config: RunConfig | None = None) -> None:
    """Fail before training on an unknown game or method, a bad seed, or a config that does not
    fit the method."""
    game_name(game)
    check_choice("method", method, METHODS)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed < 2**64:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r} (and below 2**64)")
    if config is not None:
        config.check_method(method)


def run(
    game: str, seed: int, method: str = "meta_ppo", config: RunConfig = RunConfig()
) -> pd.DataFrame:
    """One run as a tidy table, one row per leader update (see the module docstring)."""
    game = game_name(game)
    check_run(game, seed, method, config)
    with torch_threads(1):
        return _run(game, seed, method, config)


def _run(game: str, seed: int, method: str, config: RunConfig) -> pd.DataFrame:
    iterated = IteratedGame(make_game(game), config.horizon)
    leader_config = config.leader_config(method)
    if method.startswith("ppo_qlearn"):
        respond = QLearningResponse(iterated, config.qlearning, np.random.default_rng(seed))
        if method.endswith("_table"):
            leader = train_table_leader(
                iterated, respond, "ppo", leader_config, seed, StepCounter(), respond.episode_cost
            )
        else:
            leader = train_leader(iterated, respond, "ppo", leader_config, seed, StepCounter())
        rows = _baseline_rows(iterated, leader, respond)
    else:
        pre = pretrain_follower(iterated, config.follower, seed)
        greedy_table = pre.follower.greedy()
        steps = StepCounter(pre.steps.with_queries, pre.steps.plain)
        algorithm = leader_algorithm(method)
        if method.endswith("_table"):
            respond = greedy_follower_response(iterated, greedy_table)
            leader = train_table_leader(iterated, respond, algorithm, leader_config, seed, steps)
        else:
            leader = train_leader(iterated, greedy_table, algorithm, leader_config, seed, steps)
        rows = _meta_rows(iterated, pre.follower, leader)
        check = verify(
            pre.follower,
            iterated,
            leader.tables[-1],
            config.follower,
            seed,
            iterations=config.verify_iterations,
        )
        rows["follower_all_exact"] = pre.history[-1]["share_exact"] == 1.0
        rows["verify_steps_with_queries"] = check.steps.with_queries
        rows["verify_steps_plain"] = check.steps.plain
        rows["finetune_improvement"] = check.finetune_improvement
        rows["verified"] = check.best_responding and check.finetune_improvement <= GAP_TOLERANCE
    table = add_optima(iterated, rows)
    table.insert(0, "method", method)
    table.insert(0, "seed", seed)
    table.insert(0, "game", game)
    return table


def _meta_rows(iterated: IteratedGame, follower, leader) -> pd.DataFrame:
    tables = np.array(leader.tables)
    policies = follower_policies_for(follower, iterated, tables)
    leader_returns, _ = expected_returns(iterated, tables, policies, check_input=False)
    gaps = best_response_gap(iterated, tables, policies)
    return _rows(iterated, leader, tables, leader_returns, gaps)


def _baseline_rows(iterated: IteratedGame, leader, respond: QLearningResponse) -> pd.DataFrame:
    # Evaluate each greedy leader table the way the baseline does: a fresh Q-learner, then greedy.
    tables = np.array(leader.tables)
    leader_returns = respond(tables) + iterated.horizon * iterated.game.offset
    gaps = best_response_gap(iterated, tables, respond.last_follower_tables)
    rows = _rows(iterated, leader, tables, leader_returns, gaps)
    rows["steps_with_queries"] = rows["steps_plain"]  # no query phase: the conventions agree
    rows["follower_all_exact"] = np.nan  # no pre-training
    rows["verify_steps_with_queries"] = rows["verify_steps_plain"] = 0  # no verification phase
    rows["finetune_improvement"] = np.nan
    rows["verified"] = gaps[-1] <= GAP_TOLERANCE
    return rows


def _rows(iterated, leader, tables, leader_returns, gaps) -> pd.DataFrame:
    steps = np.array(leader.steps)
    value = leader_returns / iterated.horizon
    return pd.DataFrame(
        {
            "update": np.arange(1, len(tables) + 1),
            "steps_with_queries": steps[:, 0],
            "steps_plain": steps[:, 1],
            "leader_table": ["".join(map(str, t)) for t in tables],
            "leader_value": value,
            "leader_value_centred": leader_returns - iterated.horizon * iterated.game.offset,
            "best_response_gap": gaps / iterated.horizon,
        }
    )


def add_optima(iterated: IteratedGame, rows: pd.DataFrame) -> pd.DataFrame:
    """Add the exact optima, ``equilibrium_value`` and ``at_optimum`` to evaluation rows; an
    equilibrium value above the exact strong Stackelberg value raises (it is a bug)."""
    strong = solve_iterated(iterated, "stationary", "strong").per_step
    weak = solve_iterated(iterated, "stationary", "weak").per_step
    best_responding = rows["best_response_gap"] <= GAP_TOLERANCE
    rows["best_responding"] = best_responding
    rows["equilibrium_value"] = rows["leader_value"].where(best_responding)
    rows["optimum"] = strong
    rows["optimum_weak"] = weak
    rows["at_optimum"] = best_responding & (rows["leader_value"] >= strong - VALUE_TOLERANCE)
    too_high = rows["equilibrium_value"] > strong + 1e-9
    if too_high.any():
        raise RuntimeError(
            f"equilibrium value {rows.loc[too_high, 'equilibrium_value'].max()} exceeds the exact "
            f"strong Stackelberg value {strong} of {iterated.game.name}: a bug"
        )
    return rows


def steps_to_optimum(results: pd.DataFrame, steps: str = "steps_with_queries") -> pd.DataFrame:
    """Per (game, seed, method): the steps at the first update from which the leader stays at the
    optimum with a best-responding follower to the end of the run (NaN if it never does), and
    whether the final pair passed verification."""

    def first_stable(run: pd.DataFrame) -> float:
        at = run["at_optimum"].to_numpy()
        if not at[-1]:
            return math.nan
        failures = np.flatnonzero(~at)
        start = 0 if failures.size == 0 else failures[-1] + 1
        return float(run[steps].iloc[start])

    grouped = results.sort_values("update").groupby(["game", "seed", "method"], sort=False)
    summary = grouped.apply(
        lambda run: pd.Series(
            {
                steps: first_stable(run),
                "final_value": run["leader_value"].iloc[-1],
                "optimum": run["optimum"].iloc[-1],
                "verified": bool(run["verified"].iloc[-1]),
                "total_steps": run[steps].iloc[-1],
            }
        ),
        include_groups=False,
    ).reset_index()
    summary["success"] = summary[steps].notna() & summary["verified"]
    return summary


def _run_star(args: tuple) -> tuple[pd.DataFrame | None, str, str]:
    """One job in a worker: (table, "", "") or, when it fails, (None, error, traceback), so one
    failing run cannot take the others down."""
    try:
        return run(*args), "", ""
    except Exception as error:
        return None, f"{type(error).__name__}: {error}", traceback.format_exc()


def _pretrain_job(args: tuple) -> PretrainResult:
    game, seed, config, record_every = args
    with torch_threads(1):
        return pretrain_follower(IteratedGame(make_game(game)), config, seed, record_every)


def pretrain_sweep(
    games: Sequence[str],
    seeds: Iterable[int],
    config: FollowerConfig = FOLLOWER_PRETRAIN,
    record_every: int | None = None,
    workers: int | None = None,
) -> tuple[pd.DataFrame, dict[tuple[str, int], PretrainResult]]:
    """Meta pre-training of every (game, seed) on local cores: the learning curves as one tidy
    table (game, seed, steps in both conventions, tables exact, mean best-response gap per step,
    measured every ``record_every`` steps and at the end) and the results, keyed by (game, seed)."""
    jobs = [(game, int(seed), config, record_every) for game in games for seed in seeds]
    for game, seed, _, _ in jobs:
        check_run(game, seed, "meta_ppo")
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = dict(zip([job[:2] for job in jobs], pool.map(_pretrain_job, jobs), strict=True))
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
    games: Sequence[str],
    seeds: Iterable[int],
    methods: Sequence[str] = ("meta_ppo",),
    config: RunConfig = RunConfig(),
    backend: str = "processes",
    workers: int | None = None,
    progress: bool | None = None,
    store: str | Path | None = None,
) -> pd.DataFrame:
    """All (game, seed, method) runs, in parallel on local cores (``processes``), in this
    process (``serial``) or on a Ray cluster (``ray``, needs the ``ray`` extra).

    Every run is validated before any training. With ``store`` (a directory, see
    ``results.RunStore``) each run is saved as it finishes and a rerun skips the finished ones.
    A failing run does not stop the others: at the end ``SweepError`` names each failed run and
    its error and carries the finished runs' table.
    """
    check_choice("backend", backend, BACKENDS)
    if workers is not None:
        check_positive_int("workers", workers)
    for what, names in (("games", games), ("methods", methods)):
        if isinstance(names, str):  # would be read letter by letter
            raise ValueError(f"{what} must be a list of names such as [{names!r}], got {names!r}")
    seeds = list(seeds)  # iterated once per game and method
    keys = [(g, s, m) for m in methods for g in games for s in seeds]
    for game, seed, method in keys:
        check_run(game, seed, method, config)
    keys = [(game, int(seed), method) for game, seed, method in keys]
    repeated = sorted(key for key, count in Counter(keys).items() if count > 1)
    if repeated:
        raise ValueError(f"each run must appear once; repeated (game, seed, method): {repeated}")
    runs = RunStore(store, {"config": repr(config)}) if store is not None else None
    tables = {key: runs.load(key) for key in keys if runs.finished(key)} if runs else {}
    failures = []
    disable = None if progress is None else not progress  # None: only on a terminal
    bar = tqdm(total=len(keys), initial=len(tables), desc="runs", disable=disable)
    todo = [(*key, config) for key in keys if key not in tables]
    for job, (table, error, details) in _outcomes(todo, backend, workers):
        key = job[:3]
        if table is None:
            failures.append({"game": key[0], "seed": key[1], "method": key[2], "error": error})
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


def _outcomes(jobs: list[tuple], backend: str, workers: int | None):
    """(job, outcome of ``_run_star``) for each job, in the order the runs finish."""
    if backend == "serial" or len(jobs) == 1:
        for job in jobs:
            yield job, _run_star(job)
    elif backend == "ray":
        yield from _run_ray(jobs)
    elif jobs:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(_run_star, job): job for job in jobs}
            for future in as_completed(futures):
                try:
                    outcome = future.result()
                except Exception as error:  # the worker died (e.g. out of memory)
                    outcome = None, f"{type(error).__name__}: {error}", traceback.format_exc()
                yield futures[future], outcome


def connect_ray(address: str | None = None) -> str:
    """Connect this process to Ray for the ``ray`` backend; return the cluster's address.

    Joins the cluster at ``address`` (``host:port`` of a head started with ``ray start --head``,
    or ``ray://host:port``), else the one named by Ray's own ``RAY_ADDRESS`` environment
    variable, else starts a private Ray instance on this machine (never a stray local cluster).
    """
    try:
        import ray
    except ImportError as error:
        raise RuntimeError("the ray backend needs Ray: pip install -e '.[ray]'") from error
    if address is not None and (not isinstance(address, str) or not address.strip()):
        raise ValueError(f"address must be a Ray address such as 127.0.0.1:6379, got {address!r}")
    if ray.is_initialized():
        current = ray.get_runtime_context().gcs_address
        if address is not None and address != current:
            raise RuntimeError(f"already connected to the Ray cluster at {current}, not {address}")
        return current
    target = address or os.environ.get("RAY_ADDRESS") or "local"
    ray.init(address=target, include_dashboard=False, log_to_driver=False)
    return ray.get_runtime_context().gcs_address


def _run_ray(jobs: list[tuple]):
    """(job, outcome of ``_run_star``) for each job, in the order the Ray tasks finish."""
    import ray

    connect_ray()
    remote = ray.remote(_run_star)
    pending = {remote.remote(job): job for job in jobs}
    while pending:
        (ref,), _ = ray.wait(list(pending), num_returns=1)
        job = pending.pop(ref)
        try:
            outcome = ray.get(ref)
        except Exception as error:  # the Ray worker died
            outcome = None, f"{type(error).__name__}: {error}", traceback.format_exc()
        yield job, outcome
