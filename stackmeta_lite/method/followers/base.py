"""What every follower learner shares: the ``Follower`` protocol (a greedy table over the
follower's (state, context) observations), the episode callback, and the conversions between
stationary replies, their codes and greedy tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from stackmeta_lite.games.iterated import IteratedGame

OnEpisodes = Callable[[int], None]
"""``on_episodes(n)``: called after the learner played ``n`` more episodes."""


def for_updates(config, iterated: IteratedGame, updates: int):
    """``config`` (a learner config with ``episodes_per_batch`` and ``max_steps``) budgeted for
    exactly ``updates`` more updates (paper convention: queries counted)."""
    per_update = config.episodes_per_batch * iterated.steps_per_episode(with_queries=True)
    return replace(config, max_steps=updates * per_update)


class Follower(Protocol):
    """A pre-trained contextual follower: its greedy action for every (state, context)
    observation, shape (n_follower_observations,). It is all the leader ever sees of it."""

    def greedy(self) -> np.ndarray: ...


@dataclass(frozen=True)
class GreedyFollower:
    """A follower known only by its greedy table (a checkpoint of a non-gradient learner)."""

    table: np.ndarray

    def greedy(self) -> np.ndarray:
        return self.table


def follower_replies(
    follower: Follower, iterated: IteratedGame, leader_tables: np.ndarray
) -> np.ndarray:
    """The greedy follower's stationary reply (B, S) to each leader table (B, S)."""
    contexts = iterated.context(leader_tables)
    observations = iterated.follower_observation(np.arange(iterated.n_states), contexts[:, None])
    return follower.greedy()[observations]


def follower_policies_for(
    follower: Follower, iterated: IteratedGame, leader_tables: np.ndarray
) -> np.ndarray:
    """The greedy follower's one-hot (B, S, m) action probabilities against each leader table
    (B, S)."""
    replies = follower_replies(follower, iterated, leader_tables)
    return np.eye(iterated.n_follower_actions)[replies]


def shuffled_rounds(contexts: np.ndarray, rng: np.random.Generator) -> Iterator[int]:
    """Context codes in rounds: each round every code once, in a fresh random order."""
    while True:
        yield from rng.permutation(contexts)


def reply_codes(iterated: IteratedGame, replies: np.ndarray) -> np.ndarray:
    """Index in ``IteratedGame.follower_tables()`` of stationary follower tables (..., S)."""
    return replies @ iterated.n_follower_actions ** np.arange(iterated.n_states)


def greedy_from_replies(iterated: IteratedGame, replies: np.ndarray) -> np.ndarray:
    """A greedy table over observations (n_follower_observations,) from one stationary reply
    per context (n_contexts, S)."""
    # Observation index is state * n_contexts + context, so the (S, C) transpose flattens to it.
    return np.ascontiguousarray(replies.T).reshape(-1)


def own_reply(follower: Follower, iterated: IteratedGame, context: int) -> np.ndarray:
    """The follower's stationary reply (S,) to the leader table with this context code."""
    observations = iterated.follower_observation(np.arange(iterated.n_states), context)
    return follower.greedy()[observations]
