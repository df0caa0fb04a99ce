"""Phase 3 of the paper's Algorithm 1: freeze the trained leader and check that the follower was
already best-responding, by fine-tuning it on that leader alone (the paper: 50 iterations of its
own learning rule) and measuring what it gains, next to the exact gaps (which only measure).

Gaps and improvements are raw follower returns per step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stackmeta_lite.common.validation import check_positive_int
from stackmeta_lite.games.iterated import IteratedGame, StepCounter, expected_returns
from stackmeta_lite.games.solver import GAP_TOLERANCE, best_response_gap
from stackmeta_lite.method.followers import (
    Follower,
    FollowerConfig,
    follower_kind,
    follower_policies_for,
)


@dataclass(frozen=True)
class Verification:
    """Outcome of the paper's verification of a (leader table, follower) pair.

    ``finetune_improvement`` is what the follower's own fine-tuning gained; ``best_responding``
    is True when the exact stationary gap is within ``tolerance`` (a measurement); ``steps`` are
    the env steps the fine-tuning played; ``fine_tuned`` is the fine-tuned copy of the follower.
    """

    exact_gap: float
    exact_gap_time_aware: float
    finetune_improvement: float
    best_responding: bool
    tolerance: float
    steps: StepCounter
    fine_tuned: Follower = field(repr=False, compare=False)

    @property
    def passed(self) -> bool:
        """The paper's test: fine-tuning on the frozen leader improved nothing."""
        return self.finetune_improvement <= self.tolerance


def verify(
    follower: Follower,
    iterated: IteratedGame,
    leader_table: np.ndarray,
    config: FollowerConfig,
    seed: int = 0,
    tolerance: float = GAP_TOLERANCE,
    iterations: int = 50,
) -> Verification:
    """Fine-tune a copy of ``follower`` (pre-trained with ``config``) on the frozen leader table
    for ``iterations`` iterations of its own rule and measure what it gains: a gradient policy by
    its gradient updates, the reply search and the model by a fresh reply search, one episode per
    iteration, that starts with the follower's own reply."""
    kind = follower_kind(config)
    table = iterated.check_leader_tables(np.atleast_2d(leader_table))
    check_positive_int("iterations", iterations)
    rng = np.random.default_rng(seed)
    steps = StepCounter()

    def count(episodes: int) -> None:
        steps.add_episodes(iterated, episodes)

    improvement, tuned = kind.improvement(follower, iterated, config, table, iterations, rng, count)
    before = follower_policies_for(follower, iterated, table)
    gap = float(best_response_gap(iterated, table, before)[0]) / iterated.horizon
    time_aware = float(best_response_gap(iterated, table, before, "time_aware")[0])
    return Verification(
        exact_gap=gap,
        exact_gap_time_aware=time_aware / iterated.horizon,
        finetune_improvement=improvement / iterated.horizon,
        best_responding=gap <= tolerance,
        tolerance=tolerance,
        steps=steps,
        fine_tuned=tuned,
    )


def leader_value(
    follower: Follower, iterated: IteratedGame, leader_table: np.ndarray
) -> tuple[float, float]:
    """(leader, follower) raw per-step values of a leader table against the greedy follower."""
    table = np.atleast_2d(leader_table)
    leader, follower_return = expected_returns(
        iterated, table, follower_policies_for(follower, iterated, table)
    )
    return float(leader[0]) / iterated.horizon, float(follower_return[0]) / iterated.horizon
