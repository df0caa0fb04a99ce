"""The paper's gradient learner made as good as we could: REINFORCE on a table of logits with
undiscounted returns-to-go, a running-mean baseline per (context, step), small batches and an
entropy bonus annealed to zero. Leader tables come in shuffled rounds over all tables, so each
context gets the same share of episodes."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, replace

import numpy as np
import torch

from stackmeta_lite.common.validation import check_choice, check_positive_int, check_range
from stackmeta_lite.games.batched import rollout
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.learners import OPTIMIZERS
from stackmeta_lite.learners.pg import pg_update, returns_to_go
from stackmeta_lite.learners.policy import CategoricalPolicy, sample_actions
from stackmeta_lite.method.followers.base import OnEpisodes, for_updates, shuffled_rounds


@dataclass(frozen=True)
class GradientConfig:
    """Tabular REINFORCE for the contextual follower: Adam step ``lr``, ``episodes_per_batch``
    episodes per update, ``max_steps`` budget (paper convention), a running-mean baseline per
    (context, step) with step size ``baseline_rate`` and an entropy bonus that falls linearly from
    ``entropy_start`` to 0 over the budget. Returns-to-go are undiscounted (gamma 1)."""

    lr: float = 0.01
    optimizer: str = "adam"  # "adam" or "sgd" (plain gradient steps on the logits)
    episodes_per_batch: int = 2
    max_steps: int = 40_000
    baseline_rate: float = 0.1
    entropy_start: float = 0.01

    def __post_init__(self) -> None:
        check_range("lr", self.lr, 0.0, low_open=True)
        check_choice("optimizer", self.optimizer, tuple(OPTIMIZERS))
        check_positive_int("episodes_per_batch", self.episodes_per_batch)
        check_positive_int("max_steps", self.max_steps)
        check_range("baseline_rate", self.baseline_rate, 0.0, 1.0, low_open=True)
        check_range("entropy_start", self.entropy_start, 0.0)


def new_gradient_policy(iterated: IteratedGame, config: GradientConfig) -> CategoricalPolicy:
    """A table policy over the follower's observations, starting uniform."""
    return CategoricalPolicy(iterated.n_follower_observations, iterated.n_follower_actions)


def train_gradient(
    policy: CategoricalPolicy,
    iterated: IteratedGame,
    config: GradientConfig,
    rng: np.random.Generator,
    on_episodes: OnEpisodes | None = None,
    contexts: np.ndarray | None = None,
) -> CategoricalPolicy:
    """Train ``policy`` by REINFORCE against leader tables in shuffled rounds over ``contexts``
    (default: all)."""
    contexts = np.arange(iterated.n_contexts) if contexts is None else np.asarray(contexts)
    leaders = shuffled_rounds(contexts, rng)
    optimizer = OPTIMIZERS[config.optimizer](policy.parameters(), lr=config.lr)
    baseline = np.zeros((iterated.n_contexts, iterated.horizon))
    per_batch = config.episodes_per_batch * iterated.steps_per_episode(with_queries=True)
    updates = max(1, config.max_steps // per_batch)
    for update in range(updates):
        batch = np.array([next(leaders) for _ in range(config.episodes_per_batch)])
        probabilities = policy.probabilities()
        episode = rollout(
            iterated,
            iterated.leader_tables(batch),
            lambda _t, _s, obs, p=probabilities: sample_actions(p[obs], rng),
        )
        # Undiscounted returns-to-go, minus a running mean per (context, step).
        returns = returns_to_go(torch.as_tensor(episode["follower_rewards"]), 1.0).numpy()
        advantages = returns - baseline[batch]
        np.add.at(baseline, batch, config.baseline_rate * advantages)
        pg_update(
            policy,
            optimizer,
            torch.as_tensor(episode["observations"]),
            torch.as_tensor(episode["follower_actions"]),
            torch.as_tensor(advantages),
            entropy_coef=config.entropy_start * (1 - update / updates),
        )
        if on_episodes is not None:
            on_episodes(config.episodes_per_batch)
    return policy


def fine_tune_gradient(
    policy: CategoricalPolicy,
    iterated: IteratedGame,
    config: GradientConfig,
    leader_table: np.ndarray,
    iterations: int,
    rng: np.random.Generator,
    on_episodes: OnEpisodes,
) -> CategoricalPolicy:
    """A copy of ``policy`` trained ``iterations`` more updates on one frozen leader table
    (1, S), its own rule without the entropy bonus (the paper's verification)."""
    tuned = replace(for_updates(config, iterated, iterations), entropy_start=0.0)
    contexts = iterated.context(leader_table)
    return train_gradient(deepcopy(policy), iterated, tuned, rng, on_episodes, contexts)
