"""The paper's method (Algorithm 1): pre-train a contextual follower against random leaders, then
train a leader against it frozen, then verify that the follower was already best-responding.

Step counts are kept in both conventions: ``steps_with_queries`` (the paper's, 15 per 2x2 episode)
and ``steps_plain`` (10). Returns are raw per-step values on the game's scale (1..4) unless named
``centred``.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field, replace

import numpy as np
import torch

from stackmeta_lite.common.validation import check_positive_int
from stackmeta_lite.games.batched import rollout
from stackmeta_lite.games.iterated import (
    IteratedGame,
    StepCounter,
    episodes_per_batch,
    expected_returns,
)
from stackmeta_lite.games.solver import best_response_gap, stationary_returns
from stackmeta_lite.learners.pg import PGConfig, pg_update, returns_to_go
from stackmeta_lite.learners.policy import CategoricalPolicy, sample_actions
from stackmeta_lite.method.followers import (
    GradientConfig,
    ModelConfig,
    ModelFollower,
    OnEpisodes,
    ReplySearch,
    SearchConfig,
    reply_codes,
    train_gradient,
    train_model,
    train_search,
)

EXACT_TOLERANCE = 1e-6
"""A follower is exact on a leader table when its best-response gap is at most this (raw, per
step)."""


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


Follower = CategoricalPolicy | ReplySearch | ModelFollower
"""A pre-trained follower: anything with ``greedy()``, a table over (state, context)."""
FollowerConfig = SearchConfig | GradientConfig | ModelConfig | PGConfig
"""Selects the follower learner: reply search (default), tuned gradient, model-based reference,
or the paper's PG (``PGConfig``)."""


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


def mean_best_response_gap(follower: Follower, iterated: IteratedGame) -> float:
    """Mean over all leader tables of the greedy follower's best-response gap (raw, per step)."""
    return float(table_gaps(follower, iterated).mean())


def misses(follower: Follower, iterated: IteratedGame) -> list[dict]:
    """Anatomy of every leader table on which the greedy follower is not exact: its gap (raw per
    episode), in how many states its reply differs from the nearest best reply, and
    whether changing a single state's action would already improve its return (if not, the
    reply is a local optimum that one-state-at-a-time learning does not leave). Exact returns:
    a measurement for the book."""
    _, follower_returns, replies = stationary_returns(iterated, iterated.leader_tables())
    greedy = follower.greedy()
    rows = []
    for context, returns in enumerate(follower_returns):
        observations = iterated.follower_observation(np.arange(iterated.n_states), context)
        own = int(reply_codes(iterated, greedy[observations]))
        gap = returns.max() - returns[own]
        if gap <= EXACT_TOLERANCE * iterated.horizon:
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


def train_follower_pg(
    follower: CategoricalPolicy,
    iterated: IteratedGame,
    config: PGConfig,
    rng: np.random.Generator,
    leader_tables: np.ndarray | None = None,
    on_episodes: OnEpisodes | None = None,
) -> CategoricalPolicy:
    """The paper's follower PG: REINFORCE, each episode a uniformly random leader table (or one
    drawn from ``leader_tables``), centred rewards, batches of ``config.batch_steps``."""
    optimizer = torch.optim.Adam(follower.parameters(), lr=config.lr)
    n_episodes = episodes_per_batch(iterated, config.batch_steps)
    for _ in range(config.iterations):
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
        pg_update(
            follower,
            optimizer,
            torch.as_tensor(episode["observations"]),
            torch.as_tensor(episode["follower_actions"]),
            returns_to_go(torch.as_tensor(episode["follower_rewards"]), config.gamma),
            config.baseline,
        )
        if on_episodes is not None:
            on_episodes(n_episodes)
    return follower


def pretrain_follower(
    iterated: IteratedGame,
    config: FollowerConfig | None = None,
    seed: int = 0,
    record_every: int | None = None,
) -> PretrainResult:
    """Phase 1: meta pre-training of a contextual follower against random leader tables with the
    learner ``config`` selects (default: ``SearchConfig()``). Every ``record_every`` env steps
    (paper convention) and at the end the history measures the exact best-response gaps."""
    config = SearchConfig() if config is None else config
    if not isinstance(config, FollowerConfig):
        raise ValueError(
            "config must be a SearchConfig, GradientConfig, ModelConfig or PGConfig, "
            f"got {config!r}"
        )
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    steps = StepCounter()
    history: list[dict] = []
    next_record = [record_every or 0]

    def measure(follower: Follower) -> None:
        gaps = table_gaps(follower, iterated)
        history.append(
            {
                "steps_with_queries": steps.with_queries,
                "steps_plain": steps.plain,
                "tables_exact": int((gaps <= EXACT_TOLERANCE).sum()),
                "share_exact": float((gaps <= EXACT_TOLERANCE).mean()),
                "best_response_gap": float(gaps.mean()),
            }
        )

    def count(episodes: int) -> None:
        steps.add_episodes(iterated, episodes)
        if record_every and steps.with_queries >= next_record[0]:
            next_record[0] = (steps.with_queries // record_every + 1) * record_every
            measure(learner)

    learner: Follower
    if isinstance(config, PGConfig):
        learner = CategoricalPolicy(
            iterated.n_follower_observations, iterated.n_follower_actions, config.hidden
        )
        train_follower_pg(learner, iterated, config, rng, on_episodes=count)
    elif isinstance(config, GradientConfig):
        learner = CategoricalPolicy(iterated.n_follower_observations, iterated.n_follower_actions)
        train_gradient(iterated, config, rng, count, policy=learner)
    elif isinstance(config, SearchConfig):
        learner = ReplySearch(iterated)
        train_search(iterated, config, rng, count, search=learner)
    else:
        learner = ModelFollower(iterated)
        train_model(iterated, config, rng, count, model=learner)
    if not history or history[-1]["steps_with_queries"] != steps.with_queries:
        measure(learner)
    return PretrainResult(learner, steps, history)


@dataclass(frozen=True)
class Verification:
    """Outcome of the paper's verification of a (leader table, follower) pair.

    Gaps and improvements are raw follower returns per step; ``best_responding`` is True when the
    exact stationary gap is within ``tolerance``; ``steps`` are the env steps the fine-tuning
    played.
    """

    exact_gap: float
    exact_gap_time_aware: float
    finetune_improvement: float
    best_responding: bool
    tolerance: float
    steps: StepCounter


def verify(
    follower: Follower,
    iterated: IteratedGame,
    leader_table: np.ndarray,
    config: FollowerConfig | None = None,
    seed: int = 0,
    tolerance: float = 1e-6,
    iterations: int = 50,
) -> Verification:
    """Freeze the leader, fine-tune a copy of the follower on it alone (paper: 50 iterations of
    its own learning rule) and measure the change of its return, next to the exact gaps.

    A table policy is fine-tuned by its gradient rule (``config``: a ``GradientConfig`` or the
    paper's ``PGConfig``); a search or model follower by a fresh reply search on the frozen
    leader, one episode per iteration, that starts with the follower's own reply.
    """
    table = iterated.check_leader_tables(np.atleast_2d(leader_table))
    check_positive_int("iterations", iterations)
    rng = np.random.default_rng(seed)
    steps = StepCounter()

    def count(episodes: int) -> None:
        steps.add_episodes(iterated, episodes)

    before = follower_policies_for(follower, iterated, table)
    returns_before = expected_returns(iterated, table, before)[1]
    if isinstance(follower, CategoricalPolicy):
        copy = deepcopy(follower)
        if isinstance(config, GradientConfig):
            per_update = config.episodes_per_batch * iterated.steps_per_episode(True)
            tuned = replace(config, max_steps=iterations * per_update, entropy_start=0.0)
            train_gradient(
                iterated, tuned, rng, count, policy=copy, contexts=iterated.context(table)
            )
        else:
            paper = replace(config or PGConfig(), iterations=iterations)
            train_follower_pg(copy, iterated, paper, rng, leader_tables=table, on_episodes=count)
        returns_after = expected_returns(
            iterated, table, follower_policies_for(copy, iterated, table)
        )[1]
        improvement = float(returns_after[0] - returns_before[0])
    else:
        improvement = _search_improvement(iterated, follower, table, iterations, count)
    gap = float(best_response_gap(iterated, table, before)[0]) / iterated.horizon
    time_aware = float(best_response_gap(iterated, table, before, "time_aware")[0])
    return Verification(
        exact_gap=gap,
        exact_gap_time_aware=time_aware / iterated.horizon,
        finetune_improvement=improvement / iterated.horizon,
        best_responding=gap <= tolerance,
        tolerance=tolerance,
        steps=steps,
    )


def _search_improvement(iterated, follower, table, iterations, count) -> float:
    """Best return a fresh reply search finds on one frozen leader table within ``iterations``
    episodes, minus the return of the follower's own reply (its first episode)."""
    search = ReplySearch(iterated)
    context = iterated.context(table)
    observations = iterated.follower_observation(np.arange(iterated.n_states), context[0])
    own = reply_codes(iterated, follower.greedy()[observations][None])
    own_return = search.play(context, own)[0]
    played = 1
    while played < iterations and not search.finished()[context[0]]:
        search.play(context, search.next_replies(context))
        played += 1
    count(played)
    return float(np.nanmax(search.returns[context[0]]) - own_return)


def leader_value(
    follower: CategoricalPolicy, iterated: IteratedGame, leader_table: np.ndarray
) -> tuple[float, float]:
    """(leader, follower) raw per-step values of a leader table against the greedy follower."""
    table = np.atleast_2d(leader_table)
    leader, follower_return = expected_returns(
        iterated, table, follower_policies_for(follower, iterated, table)
    )
    return float(leader[0]) / iterated.horizon, float(follower_return[0]) / iterated.horizon
