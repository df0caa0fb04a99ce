"""The paper's follower: REINFORCE (``PGConfig``, Table 1: Adam lr 0.02, batches of 100 steps,
500 iterations) on a contextual policy, each episode against a uniformly random leader table,
with centred rewards. A table policy by default (the paper's linear model on one-hot inputs), or
an MLP with ``PGConfig.hidden``."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import replace

import numpy as np
import torch

from stackmeta_lite.games.batched import rollout
from stackmeta_lite.games.iterated import IteratedGame, episodes_per_batch
from stackmeta_lite.learners.pg import PGConfig, pg_update, returns_to_go
from stackmeta_lite.learners.policy import CategoricalPolicy, sample_actions
from stackmeta_lite.method.followers.base import OnEpisodes


def new_paper_policy(iterated: IteratedGame, config: PGConfig) -> CategoricalPolicy:
    """The paper's contextual policy over the follower's observations."""
    return CategoricalPolicy(
        iterated.n_follower_observations, iterated.n_follower_actions, config.hidden
    )


def train_paper_pg(
    policy: CategoricalPolicy,
    iterated: IteratedGame,
    config: PGConfig,
    rng: np.random.Generator,
    on_episodes: OnEpisodes | None = None,
    leader_tables: np.ndarray | None = None,
) -> CategoricalPolicy:
    """Train ``policy`` by the paper's PG, each episode against a uniformly random leader table
    (or one drawn from ``leader_tables``), centred rewards, batches of ``config.batch_steps``."""
    optimizer = torch.optim.Adam(policy.parameters(), lr=config.lr)
    n_episodes = episodes_per_batch(iterated, config.batch_steps)
    for _ in range(config.iterations):
        if leader_tables is None:
            tables = rng.integers(0, iterated.n_leader_actions, (n_episodes, iterated.n_states))
        else:
            tables = leader_tables[rng.integers(0, len(leader_tables), n_episodes)]
        probabilities = policy.probabilities()
        episode = rollout(
            iterated,
            tables,
            lambda _t, _s, obs, p=probabilities: sample_actions(p[obs], rng),
            centred=True,
        )
        pg_update(
            policy,
            optimizer,
            torch.as_tensor(episode["observations"]),
            torch.as_tensor(episode["follower_actions"]),
            returns_to_go(torch.as_tensor(episode["follower_rewards"]), config.gamma),
            config.baseline,
        )
        if on_episodes is not None:
            on_episodes(n_episodes)
    return policy


def fine_tune_paper_pg(
    policy: CategoricalPolicy,
    iterated: IteratedGame,
    config: PGConfig,
    leader_table: np.ndarray,
    iterations: int,
    rng: np.random.Generator,
    on_episodes: OnEpisodes,
) -> CategoricalPolicy:
    """A copy of ``policy`` trained ``iterations`` more PG updates against one frozen leader
    table (1, S): the paper's verification (50 iterations)."""
    tuned = replace(config, iterations=iterations)
    return train_paper_pg(deepcopy(policy), iterated, tuned, rng, on_episodes, leader_table)
