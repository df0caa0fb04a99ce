"""The paper's next step: the follower keeps training while the leader trains.

Algorithm 1 freezes the pre-trained follower for the whole of the leader's training. Here the
leader still trains against the follower's greedy table, but after each leader batch the
follower takes a few more updates of its own learning rule against tables drawn from that batch:
the leaders it will actually face, so its remaining mistakes there get corrected. Those episodes
are env steps and are counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stackmeta_lite.common.validation import check_positive_int
from stackmeta_lite.games.iterated import IteratedGame, StepCounter
from stackmeta_lite.method.followers import Follower, FollowerConfig, keep_training
from stackmeta_lite.method.followers.base import GreedyFollower, follower_replies
from stackmeta_lite.method.leader import greedy_follower_response


@dataclass
class ContinualFollower:
    """A table leader's ``respond`` (see ``leader.train_table_leader``) whose follower keeps
    learning: the centred leader returns of the sampled tables against the follower's current
    greedy table, then ``updates`` follower updates against those tables, counted in ``steps``.
    ``greedy_tables`` keeps the follower's greedy table after each call, for scoring."""

    iterated: IteratedGame
    follower: Follower
    config: FollowerConfig
    updates: int
    rng: np.random.Generator
    steps: StepCounter
    greedy_tables: list[np.ndarray] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_positive_int("updates", self.updates)

    def __call__(self, leader_tables: np.ndarray) -> np.ndarray:
        returns = greedy_follower_response(self.iterated, self.follower.greedy())(leader_tables)
        keep_training(
            self.follower,
            self.iterated,
            self.config,
            leader_tables,
            self.updates,
            self.rng,
            lambda episodes: self.steps.add_episodes(self.iterated, episodes),
        )
        self.greedy_tables.append(self.follower.greedy().copy())
        return returns

    def replies(self, leader_tables: np.ndarray) -> np.ndarray:
        """The follower's reply (U, S) to each update's leader table (U, S), as it stood after
        that update."""
        return np.concatenate(
            [
                follower_replies(GreedyFollower(greedy), self.iterated, table[None])
                for greedy, table in zip(self.greedy_tables, leader_tables, strict=True)
            ]
        )
