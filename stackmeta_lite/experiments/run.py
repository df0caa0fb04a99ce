"""One experiment run: a (game, seed, method) trained end to end and scored as tidy rows.

Methods are rows of ``stackmeta_lite.method.methods.METHODS``: the paper's Algorithm 1 (its PG
follower) with a PG, PPO or DQN leader (``meta_*``), their table-commitment ablations
(``meta_*_table``), the exhaustive reply search as a reference follower (``search_ppo``) and the
PPO+Q-learn baseline (``ppo_qlearn``, ``ppo_qlearn_table``). Every method is scored by
``stackmeta_lite.experiments.scoring.rows``, which says what each row holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from stackmeta_lite.common.validation import check_integer, check_positive_int, check_type
from stackmeta_lite.experiments.scoring import add_optima, rows
from stackmeta_lite.experiments.store import RunKey
from stackmeta_lite.games.bimatrix import BimatrixGame
from stackmeta_lite.games.iterated import IteratedGame, StepCounter
from stackmeta_lite.games.naming import game_key, resolve_game
from stackmeta_lite.games.solver import GAP_TOLERANCE, check_measurable
from stackmeta_lite.learners import torch_threads
from stackmeta_lite.learners.qlearning import QLearningConfig
from stackmeta_lite.method.continual import ContinualFollower
from stackmeta_lite.method.followers import KINDS, FollowerConfig
from stackmeta_lite.method.followers.base import follower_replies
from stackmeta_lite.method.leader import (
    LeaderConfig,
    greedy_follower_response,
    leader_algorithm,
    train_leader,
    train_table_leader,
)
from stackmeta_lite.method.methods import Method, method_named
from stackmeta_lite.method.presets import BASELINE_QLEARNING
from stackmeta_lite.method.pretrain import pretrain_follower
from stackmeta_lite.method.qlearn_opponent import QLearningOpponent
from stackmeta_lite.method.verify import verify


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines one run besides game, seed and method."""

    follower: FollowerConfig | None = None  # None: the method's (``Method.follower``)
    leader: LeaderConfig | None = None  # None: the method's preset (``Method.preset``)
    qlearning: QLearningConfig = field(default_factory=lambda: BASELINE_QLEARNING)
    horizon: int = 10
    verify_iterations: int = 50
    continual: int | None = None  # None: the method's (``Method.continual``); 0: frozen

    def __post_init__(self) -> None:
        if self.follower is not None and type(self.follower) not in KINDS:
            allowed = ", ".join(kind.__name__ for kind in KINDS)
            raise ValueError(
                f"RunConfig.follower must be None or one of {allowed}, got {self.follower!r}"
            )
        if not isinstance(self.qlearning, QLearningConfig):
            raise ValueError(
                f"RunConfig.qlearning must be a QLearningConfig, got {self.qlearning!r}"
            )
        if self.leader is not None and not isinstance(self.leader, LeaderConfig):
            raise ValueError(
                "RunConfig.leader must be None or a PGConfig, PPOConfig or DQNConfig, "
                f"got {self.leader!r}"
            )
        check_positive_int("horizon", self.horizon)
        check_positive_int("verify_iterations", self.verify_iterations)
        if self.continual is not None:
            check_integer("continual", self.continual, low=0)

    def leader_config(self, method: Method) -> LeaderConfig:
        """This config's leader config for ``method``: its own, else the method's preset; a
        ValueError when the two are different learners."""
        if self.leader is None:
            return method.leader_preset()
        if leader_algorithm(self.leader) != method.algorithm:
            expected = type(method.leader_preset()).__name__
            raise ValueError(
                f"method {method.name!r} needs a {expected} leader config, "
                f"got {type(self.leader).__name__}"
            )
        return self.leader

    def continual_updates(self, method: Method) -> int:
        """Follower updates per leader update for ``method``: this config's, else the method's;
        a ValueError when the method cannot train its follower on (not meta + table)."""
        if self.continual is None:
            return method.continual
        return replace(method, continual=self.continual).continual  # Method checks it can

    def follower_config(self, method: Method) -> FollowerConfig:
        """This config's follower config for a ``meta`` method: its own, else the method's."""
        return method.follower_preset() if self.follower is None else self.follower


DEFAULT_RUN = RunConfig()
"""The run config of the book and the command line."""


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep: what to train, and with which config. A game's name is resolved to
    the catalog game (``resolve_game``); a spec pickles whole, custom game included."""

    game: BimatrixGame | str
    seed: int
    method: str
    config: RunConfig = DEFAULT_RUN

    def __post_init__(self) -> None:
        object.__setattr__(self, "game", resolve_game(self.game))

    @property
    def key(self) -> RunKey:
        """(game key, seed, method): a catalog game by its name, any other game by its name and
        a hash of its payoffs (``game_key``)."""
        return game_key(self.game), self.seed, self.method


def check_run(
    game: str | BimatrixGame, seed: int, method: str, config: RunConfig | None = None
) -> RunSpec:
    """The run, checked before training: a known game (aliases resolved) or a ``BimatrixGame``
    small enough for the exact scoring, a known method, a seed in [0, 2**64) and a config that
    fits the method."""
    game = resolve_game(game)
    chosen = method_named(method)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed < 2**64:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r} (and below 2**64)")
    config = RunConfig() if config is None else config
    check_type("config", config, RunConfig, "a RunConfig, e.g. RunConfig(horizon=10)")
    config.leader_config(chosen)
    config.continual_updates(chosen)
    # Every method is scored exactly: a game too large for that is refused before any training
    # (each learner also checks its own tables before allocating them).
    check_measurable(IteratedGame(game, config.horizon), "a run")
    return RunSpec(game, int(seed), method, config)


def run(
    game: str | BimatrixGame, seed: int, method: str = "meta_ppo", config: RunConfig = DEFAULT_RUN
) -> pd.DataFrame:
    """One run as a tidy table, one row per leader update (see ``experiments.scoring``); the
    ``game`` column holds the game's name."""
    spec = check_run(game, seed, method, config)
    with torch_threads(1):
        return run_spec(spec)


def run_spec(spec: RunSpec) -> pd.DataFrame:
    """One checked run (see ``check_run``) as a tidy table."""
    iterated = IteratedGame(spec.game, spec.config.horizon)
    table = run_game(iterated, spec.seed, method_named(spec.method), spec.config)
    table.insert(0, "method", spec.method)
    table.insert(0, "seed", spec.seed)
    table.insert(0, "game", spec.game.name)
    return table


def run_game(iterated: IteratedGame, seed: int, method: Method, config: RunConfig) -> pd.DataFrame:
    """One run of ``method`` on any iterated game (a catalog game or one of your own, whose
    horizon wins over ``config.horizon``): the scored rows, without the game, seed and method
    columns ``run`` adds."""
    leader_config = config.leader_config(method)
    if method.opponent == "qlearn":
        scored = _baseline(iterated, method, leader_config, config, seed)
    else:
        scored = _meta(iterated, method, leader_config, config, seed)
    return add_optima(iterated, scored)


def _baseline(iterated, method, leader_config, config, seed) -> pd.DataFrame:
    respond = QLearningOpponent(iterated, config.qlearning, np.random.default_rng(seed))
    if method.commitment == "table":
        leader = train_table_leader(
            iterated, respond, leader_config, seed, StepCounter(), respond.episode_cost
        )
    else:
        leader = train_leader(iterated, respond, leader_config, seed, StepCounter())
    # Scored like meta-RL: each update's leader table against the follower the leader trained
    # against (the last Q-learner of that update), exactly; verified when the last one
    # best-responds. No query phase, no pre-training, no fine-tuning.
    scored = rows(iterated, leader, np.array(respond.replies))
    scored["steps_with_queries"] = scored["steps_plain"]  # no query phase: the conventions agree
    scored["follower_all_exact"] = np.nan
    scored["verify_steps_with_queries"] = scored["verify_steps_plain"] = 0
    scored["finetune_improvement"] = np.nan
    scored["repairs"] = 0
    scored["verified"] = scored["best_response_gap"].iloc[-1] <= GAP_TOLERANCE
    return scored


def _meta(iterated, method, leader_config, config, seed) -> pd.DataFrame:
    """Algorithm 1: pre-train the follower, train the leader against it (frozen, or kept
    training with ``continual``), verify. With
    ``method.repairs``, a failed verification is repaired: the fine-tuned follower replaces the
    frozen one and the leader is trained again against it (its steps, and the failed
    verification's, count), up to that many times."""
    follower_config = config.follower_config(method)
    continual = config.continual_updates(method)
    pre = pretrain_follower(iterated, follower_config, seed)
    follower, steps = pre.follower, StepCounter(pre.steps.with_queries, pre.steps.plain)
    segments = []
    for attempt in range(method.repairs + 1):
        leader, replies = _train_meta_leader(
            iterated, method, leader_config, seed, steps, follower, follower_config, continual
        )
        segments.append(rows(iterated, leader, replies))
        check = verify(
            follower,
            iterated,
            leader.tables[-1],
            follower_config,
            seed,
            iterations=config.verify_iterations,
        )
        if check.passed or attempt == method.repairs:
            break
        steps.add(check.steps)
        follower = check.fine_tuned
    scored = pd.concat(segments, ignore_index=True)
    scored["update"] = np.arange(1, len(scored) + 1)
    scored["follower_all_exact"] = pre.history[-1]["share_exact"] == 1.0
    scored["verify_steps_with_queries"] = check.steps.with_queries
    scored["verify_steps_plain"] = check.steps.plain
    scored["finetune_improvement"] = check.finetune_improvement
    scored["repairs"] = attempt
    scored["verified"] = check.best_responding and check.passed
    return scored


def _train_meta_leader(
    iterated, method, leader_config, seed, steps, follower, follower_config, continual
):
    """Phase 2, continuing the step count: the leader and the follower's reply (U, S) to each
    update's table. The follower is frozen, or with ``continual`` updates per leader update it
    keeps training (in place) on the tables the leader samples."""
    if continual:
        rng = np.random.default_rng((seed, 1))  # a stream of its own, apart from pre-training
        respond = ContinualFollower(iterated, follower, follower_config, continual, rng, steps)
        leader = train_table_leader(iterated, respond, leader_config, seed, steps)
        return leader, respond.replies(np.array(leader.tables))
    greedy_table = follower.greedy()
    if method.commitment == "table":
        respond = greedy_follower_response(iterated, greedy_table)
        leader = train_table_leader(iterated, respond, leader_config, seed, steps)
    else:
        leader = train_leader(iterated, greedy_table, leader_config, seed, steps)
    return leader, follower_replies(follower, iterated, np.array(leader.tables))
