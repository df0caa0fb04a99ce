"""Every follower learner of the method, side by side, and the one dispatch that trains and
verifies them.

Each learner learns, from sampled episodes only, a contextual reply to every leader table and
exposes it as a greedy table over (state, context) observations (the ``Follower`` protocol):

- ``search``: the reply search, an exhaustive reference exact for 2x2 games (``search_ppo``);
- ``paper_pg``: the paper's follower, REINFORCE on a contextual policy (``PGConfig``), the
  meta methods' default;
- ``gradient``: that gradient learner tuned (``GradientConfig``);
- ``critic``: our learned follower, a contextual actor-critic (``CriticConfig``);
- ``model``: the model-based reference (``ModelConfig``).

A learner is chosen by the type of its config: ``KINDS[type(config)]`` says how to make it, how to
pre-train it against random leaders and how the paper's verification fine-tunes it on one frozen
leader table.

``network.py`` holds a time-aware network follower for games too big for a table of contexts
(3x3 and up). It is outside ``KINDS``, whose pipeline scores stationary followers:
``method.network_meta`` and ``experiments.network_run`` run Algorithm 1 with it and score it
against the exact time-aware value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from stackmeta_lite.games.iterated import IteratedGame, expected_returns
from stackmeta_lite.games.solver import GAP_TOLERANCE
from stackmeta_lite.learners.pg import PGConfig
from stackmeta_lite.method.followers.base import (
    Follower,
    GreedyFollower,
    OnEpisodes,
    follower_policies_for,
    for_updates,
)
from stackmeta_lite.method.followers.critic import (
    CriticConfig,
    fine_tune_critic,
    new_actor_critic,
    train_critic,
)
from stackmeta_lite.method.followers.gradient import (
    GradientConfig,
    fine_tune_gradient,
    new_gradient_policy,
    train_gradient,
)
from stackmeta_lite.method.followers.model import ModelConfig, ModelFollower, train_model
from stackmeta_lite.method.followers.paper_pg import (
    fine_tune_paper_pg,
    new_paper_policy,
    train_paper_pg,
)
from stackmeta_lite.method.followers.search import (
    ReplySearch,
    SearchConfig,
    search_improvement,
    train_search,
)

FollowerConfig = SearchConfig | PGConfig | GradientConfig | CriticConfig | ModelConfig
"""Selects the follower learner (see ``KINDS``)."""

Improvement = Callable[
    [Follower, IteratedGame, FollowerConfig, np.ndarray, int, np.random.Generator, OnEpisodes],
    tuple[float, Follower],
]
"""``improvement(follower, iterated, config, leader_table, iterations, rng, on_episodes)``: how
much (raw, per episode) the verification's fine-tuning on one frozen leader table (1, S) raises
the follower's return, and the fine-tuned follower (a search returns the follower itself)."""


@dataclass(frozen=True)
class FollowerKind:
    """One follower learner: its name, how to make it and pre-train it, and its verification."""

    name: str
    make: Callable[[IteratedGame, FollowerConfig], Follower]
    train: Callable[
        [Follower, IteratedGame, FollowerConfig, np.random.Generator, OnEpisodes], object
    ]
    improvement: Improvement
    continual: bool = False  # can it keep training on chosen leader tables (``keep_training``)?


def _fine_tuned(fine_tune: Callable[..., Follower]) -> Improvement:
    """The improvement of a gradient policy: the return of its fine-tuned copy minus its own."""

    def improvement(follower, iterated, config, leader_table, iterations, rng, on_episodes):
        tuned = fine_tune(follower, iterated, config, leader_table, iterations, rng, on_episodes)
        before = expected_returns(
            iterated, leader_table, follower_policies_for(follower, iterated, leader_table)
        )[1]
        after = expected_returns(
            iterated, leader_table, follower_policies_for(tuned, iterated, leader_table)
        )[1]
        return float(after[0] - before[0]), tuned

    return improvement


def _critic_improvement(follower, iterated, config, leader_table, iterations, rng, on_episodes):
    """The paper's fine-tuning of the actor-critic; with ``config.verify_afresh``, when it gains
    nothing, a second fine-tuning afresh (``fine_tune_critic``). Neither can gain on a follower
    that best-responds, so the pair flags whatever either one flags; the larger gain counts."""
    plain = _fine_tuned(fine_tune_critic)(
        follower, iterated, config, leader_table, iterations, rng, on_episodes
    )
    if not config.verify_afresh or plain[0] > GAP_TOLERANCE * iterated.horizon:
        return plain
    afresh = _fine_tuned(partial(fine_tune_critic, afresh=True))(
        follower, iterated, config, leader_table, iterations, rng, on_episodes
    )
    return max(plain, afresh, key=lambda result: result[0])


def _searched(follower, iterated, _config, leader_table, iterations, _rng, on_episodes):
    return search_improvement(follower, iterated, leader_table, iterations, on_episodes), follower


KINDS: dict[type, FollowerKind] = {
    SearchConfig: FollowerKind(
        "reply search", lambda it, _c: ReplySearch(it), train_search, _searched
    ),
    PGConfig: FollowerKind(
        "paper's PG", new_paper_policy, train_paper_pg, _fine_tuned(fine_tune_paper_pg)
    ),
    GradientConfig: FollowerKind(
        "tuned gradient",
        new_gradient_policy,
        train_gradient,
        _fine_tuned(fine_tune_gradient),
        continual=True,
    ),
    CriticConfig: FollowerKind(
        "actor-critic",
        new_actor_critic,
        train_critic,
        _critic_improvement,
        continual=True,
    ),
    ModelConfig: FollowerKind(
        "model-based reference", lambda it, _c: ModelFollower(it), train_model, _searched
    ),
}


def follower_kind(config: object) -> FollowerKind:
    """The learner a follower config selects, or a ValueError naming the allowed configs."""
    kind = KINDS.get(type(config))
    if kind is None:
        allowed = ", ".join(cls.__name__ for cls in KINDS)
        raise ValueError(f"a follower config must be one of {allowed}; got {config!r}")
    return kind


def keep_training(
    follower: Follower,
    iterated: IteratedGame,
    config: FollowerConfig,
    leader_tables: np.ndarray,
    updates: int,
    rng: np.random.Generator,
    on_episodes: OnEpisodes | None = None,
) -> None:
    """Continual training (the paper's next step): ``updates`` more updates of the follower's own
    rule, in place, against leader tables drawn from ``leader_tables`` (B, S), e.g. the tables a
    leader just sampled; a ValueError for a learner that cannot (``FollowerKind.continual``)."""
    kind = follower_kind(config)
    if not kind.continual:
        able = ", ".join(type_.__name__ for type_, k in KINDS.items() if k.continual)
        raise ValueError(
            f"continual training needs a follower config of {able}; got the {kind.name} "
            f"({type(config).__name__})"
        )
    budget = for_updates(config, iterated, updates)
    kind.train(follower, iterated, budget, rng, on_episodes, iterated.context(leader_tables))


__all__ = [
    "KINDS",
    "CriticConfig",
    "Follower",
    "FollowerConfig",
    "FollowerKind",
    "GradientConfig",
    "GreedyFollower",
    "ModelConfig",
    "ModelFollower",
    "ReplySearch",
    "SearchConfig",
    "follower_kind",
    "follower_policies_for",
    "keep_training",
]
