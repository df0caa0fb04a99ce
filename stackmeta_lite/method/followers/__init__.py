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
(3x3 and up). It is outside ``KINDS``: the meta pipeline scores stationary followers, so it is
pre-trained and measured on held-out leader tables on its own for now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from stackmeta_lite.games.iterated import IteratedGame, expected_returns
from stackmeta_lite.learners.pg import PGConfig
from stackmeta_lite.method.followers.base import (
    Follower,
    GreedyFollower,
    OnEpisodes,
    follower_policies_for,
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
        "tuned gradient", new_gradient_policy, train_gradient, _fine_tuned(fine_tune_gradient)
    ),
    CriticConfig: FollowerKind(
        "actor-critic", new_actor_critic, train_critic, _fine_tuned(fine_tune_critic)
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
]
