"""The paper's method (Algorithm 1): pre-train a contextual follower against random leaders, then
train a leader against it frozen, then verify that the follower was already best-responding.

Step counts are kept in both conventions: ``steps_with_queries`` (the paper's, 15 per 2x2 episode)
and ``steps_plain`` (10). Returns are raw per-step values on the game's scale (1..4) unless named
``centred``.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field

import numpy as np
import torch

from stackmeta_lite.batched import rollout
from stackmeta_lite.iterated import IteratedGame, StepCounter, episodes_per_batch, expected_returns
from stackmeta_lite.learners.pg import PGConfig, pg_update, returns_to_go
from stackmeta_lite.learners.policy import CategoricalPolicy, sample_actions
from stackmeta_lite.solver import best_response_gap


def follower_policies_for(
    follower: CategoricalPolicy,
    iterated: IteratedGame,
    leader_tables: np.ndarray,
    greedy: bool = True,
) -> np.ndarray:
    """The follower's (B, S, m) action probabilities against each leader table (B, S)."""
    contexts = iterated.context(leader_tables)
    observations = iterated.follower_observation(np.arange(iterated.n_states), contexts[:, None])
    if greedy:
        return np.eye(iterated.n_follower_actions)[follower.greedy()[observations]]
    return follower.probabilities()[observations]


@dataclass
class PretrainResult:
    """A pre-trained follower, its step count and its learning curve (one dict per checkpoint)."""

    follower: CategoricalPolicy
    steps: StepCounter
    history: list[dict] = field(default_factory=list)


def table_gaps(follower: CategoricalPolicy, iterated: IteratedGame) -> np.ndarray:
    """The greedy follower's best-response gap (raw, per step) against every leader table, in
    context-code order."""
    tables = iterated.leader_tables()
    gaps = best_response_gap(iterated, tables, follower_policies_for(follower, iterated, tables))
    return gaps / iterated.horizon


def mean_best_response_gap(follower: CategoricalPolicy, iterated: IteratedGame) -> float:
    """Mean over all leader tables of the greedy follower's best-response gap (raw, per step)."""
    return float(table_gaps(follower, iterated).mean())


def train_follower_pg(
    follower: CategoricalPolicy,
    iterated: IteratedGame,
    config: PGConfig,
    rng: np.random.Generator,
    leader_tables: np.ndarray | None = None,
    steps: StepCounter | None = None,
    on_iteration=None,
) -> StepCounter:
    """REINFORCE for the contextual follower: each episode a uniformly random leader table (the
    paper's pre-training) or one drawn from ``leader_tables``; centred rewards."""
    steps = steps or StepCounter()
    optimizer = torch.optim.Adam(follower.parameters(), lr=config.lr)
    n_episodes = episodes_per_batch(iterated, config.batch_steps)
    for iteration in range(config.iterations):
        if leader_tables is None:
            tables = rng.integers(0, iterated.n_leader_actions, (n_episodes, iterated.n_states))
        else:
            tables = leader_tables[rng.integers(0, len(leader_tables), n_episodes)]
        probabilities = follower.probabilities()
        episode = rollout(
            iterated,
            tables,
            lambda _t, _s, obs, p=probabilities: sample_actions(p[obs], rng),
            centred=True,
        )
        steps.add_episodes(iterated, n_episodes)
        pg_update(
            follower,
            optimizer,
            torch.as_tensor(episode["observations"]),
            torch.as_tensor(episode["follower_actions"]),
            returns_to_go(torch.as_tensor(episode["follower_rewards"]), config.gamma),
            config.baseline,
        )
        if on_iteration is not None:
            on_iteration(iteration, steps)
    return steps


def pretrain_follower(
    iterated: IteratedGame,
    config: PGConfig | None = None,
    seed: int = 0,
    record_every: int = 10,
) -> PretrainResult:
    """Phase 1: meta pre-training of the contextual follower against random leader tables
    (``config`` defaults to the paper's follower PG)."""
    config = config or PGConfig()
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    n_obs = iterated.n_follower_observations
    follower = CategoricalPolicy(n_obs, iterated.n_follower_actions, config.hidden)
    result = PretrainResult(follower, StepCounter())

    def record(iteration: int, steps: StepCounter) -> None:
        if (iteration + 1) % record_every == 0 or iteration + 1 == config.iterations:
            result.history.append(
                {
                    "iteration": iteration + 1,
                    "steps_with_queries": steps.with_queries,
                    "steps_plain": steps.plain,
                    "best_response_gap": mean_best_response_gap(follower, iterated),
                }
            )

    train_follower_pg(follower, iterated, config, rng, steps=result.steps, on_iteration=record)
    return result


@dataclass(frozen=True)
class Verification:
    """Outcome of the paper's verification of a (leader table, follower) pair.

    Gaps and improvements are raw follower returns per step; ``best_responding`` is True when the
    exact stationary gap is within ``tolerance``.
    """

    exact_gap: float
    exact_gap_time_aware: float
    finetune_improvement: float
    best_responding: bool
    tolerance: float


def verify(
    follower: CategoricalPolicy,
    iterated: IteratedGame,
    leader_table: np.ndarray,
    config: PGConfig | None = None,
    seed: int = 0,
    tolerance: float = 1e-6,
) -> Verification:
    """Freeze the leader, fine-tune a copy of the follower on it alone (paper: 50 iterations) and
    measure the change of its return, next to the exact best-response gaps."""
    table = iterated.check_leader_tables(np.atleast_2d(leader_table))
    before = follower_policies_for(follower, iterated, table)
    config = config or PGConfig(iterations=50)
    copy = deepcopy(follower)
    train_follower_pg(copy, iterated, config, np.random.default_rng(seed), leader_tables=table)
    after = follower_policies_for(copy, iterated, table)
    returns_before = expected_returns(iterated, table, before)[1]
    returns_after = expected_returns(iterated, table, after)[1]
    gap = float(best_response_gap(iterated, table, before)[0]) / iterated.horizon
    time_aware = float(best_response_gap(iterated, table, before, "time_aware")[0])
    return Verification(
        exact_gap=gap,
        exact_gap_time_aware=time_aware / iterated.horizon,
        finetune_improvement=float(returns_after[0] - returns_before[0]) / iterated.horizon,
        best_responding=gap <= tolerance,
        tolerance=tolerance,
    )


def leader_value(
    follower: CategoricalPolicy, iterated: IteratedGame, leader_table: np.ndarray
) -> tuple[float, float]:
    """(leader, follower) raw per-step values of a leader table against the greedy follower."""
    table = np.atleast_2d(leader_table)
    leader, follower_return = expected_returns(
        iterated, table, follower_policies_for(follower, iterated, table)
    )
    return float(leader[0]) / iterated.horizon, float(follower_return[0]) / iterated.horizon
