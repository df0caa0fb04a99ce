"""Phase 1 of the paper's Algorithm 1: pre-train a contextual follower against random leaders,
with any learner of ``stackmeta_lite.method.followers``, and measure how exact it is.

Step counts are kept in both conventions: ``steps_with_queries`` (the paper's, 15 per 2x2 episode)
and ``steps_plain`` (10). Gaps are raw follower payoff per step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from stackmeta_lite.common.validation import check_seed
from stackmeta_lite.games.iterated import IteratedGame, StepCounter, check_iterated
from stackmeta_lite.games.solver import (
    GAP_TOLERANCE,
    best_response_gap,
    check_measurable,
    stationary_returns,
)
from stackmeta_lite.method.followers import (
    Follower,
    FollowerConfig,
    GreedyFollower,
    SearchConfig,
    follower_kind,
    follower_policies_for,
)
from stackmeta_lite.method.followers.base import own_reply, reply_codes


@dataclass
class PretrainResult:
    """A pre-trained follower, its step count and its learning curve (one dict per checkpoint)."""

    follower: Follower
    steps: StepCounter
    history: list[dict] = field(default_factory=list)


def table_gaps(follower: Follower, iterated: IteratedGame) -> np.ndarray:
    """The greedy follower's best-response gap (raw, per step) against every leader table, in
    context-code order. A measurement: no learner reads it."""
    tables = iterated.leader_tables()
    gaps = best_response_gap(iterated, tables, follower_policies_for(follower, iterated, tables))
    return gaps / iterated.horizon


def misses(follower: Follower, iterated: IteratedGame) -> list[dict]:
    """Anatomy of every leader table on which the greedy follower is not exact: its gap (raw per
    episode), in how many states its reply differs from the nearest best reply, and
    whether changing a single state's action would already improve its return (if not, the
    reply is a local optimum that one-state-at-a-time learning does not leave). Exact returns:
    a measurement for the book."""
    _, follower_returns, replies = stationary_returns(iterated, iterated.leader_tables())
    frozen = GreedyFollower(follower.greedy())
    rows = []
    for context, returns in enumerate(follower_returns):
        own = int(reply_codes(iterated, own_reply(frozen, iterated, context)))
        gap = returns.max() - returns[own]
        if gap <= GAP_TOLERANCE * iterated.horizon:
            continue
        differences = (replies != replies[own]).sum(axis=1)
        best = np.flatnonzero(returns >= returns.max() - 1e-9)
        rows.append(
            {
                "context": context,
                "gap_per_episode": float(gap),
                "states_to_change": int(differences[best].min()),
                "one_change_improves": bool((returns[differences == 1] > returns[own]).any()),
            }
        )
    return rows


def pretrain_follower(
    iterated: IteratedGame,
    config: FollowerConfig | None = None,
    seed: int = 0,
    record_every: int | None = None,
) -> PretrainResult:
    """Phase 1: meta pre-training of a contextual follower against random leader tables with the
    learner ``config`` selects (default: ``SearchConfig()``). Every ``record_every`` env steps
    (paper convention) and at the end the history measures the exact best-response gaps, so a
    game too large for them is refused, with the limit named, before anything is allocated."""
    check_iterated(iterated)
    seed = check_seed("seed", seed)
    config = SearchConfig() if config is None else config
    kind = follower_kind(config)
    check_measurable(iterated, "pre-training a follower")  # the history's gaps, before training
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    steps = StepCounter()
    history: list[dict] = []
    next_record = [record_every or 0]
    learner = kind.make(iterated, config)

    def measure() -> None:
        gaps = table_gaps(learner, iterated)
        history.append(
            {
                "steps_with_queries": steps.with_queries,
                "steps_plain": steps.plain,
                "tables_exact": int((gaps <= GAP_TOLERANCE).sum()),
                "share_exact": float((gaps <= GAP_TOLERANCE).mean()),
                "best_response_gap": float(gaps.mean()),
            }
        )

    def count(episodes: int) -> None:
        steps.add_episodes(iterated, episodes)
        if record_every and steps.with_queries >= next_record[0]:
            next_record[0] = (steps.with_queries // record_every + 1) * record_every
            measure()

    kind.train(learner, iterated, config, rng, count)
    if not history or history[-1]["steps_with_queries"] != steps.with_queries:
        measure()
    return PretrainResult(learner, steps, history)
