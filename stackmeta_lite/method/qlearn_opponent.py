"""The nested-loop baselines' opponent: before every leader episode a tabular Q-learning follower
trains against the leader.

``reset`` says when its Q-table restarts from zeros: ``"episode"``, every leader episode (fresh
learners, PPO+Q-learn, Brero et al.); ``"update"``, every leader update, learning on across the
episodes of one batch (the paper's Appendix B reset); ``"never"``, one Q-table learning
continuously (the paper's Appendix B failure). Either way the follower sees only the memory-1
state, never the context.
"""

from __future__ import annotations

import numpy as np

from stackmeta_lite.common.validation import check_choice
from stackmeta_lite.games.batched import play_tables
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.learners.policy import sample_actions
from stackmeta_lite.learners.qlearning import QLearningConfig, greedy_tables, train_q_followers

RESETS = ("update", "episode", "never")
"""When the Q-table restarts from zeros: every leader update, every leader episode, never."""


class QLearningOpponent:
    """``respond(leader_tables) -> centred leader returns`` after Q-learning against each table;
    ``reply`` serves the step-wise leader. The leader calls ``respond`` once per update with
    that update's batch, so a call is an update."""

    queried = False
    """The Q-learner sees only the memory-1 state, never the leader's answers."""

    def __init__(
        self,
        iterated: IteratedGame,
        config: QLearningConfig,
        rng: np.random.Generator,
        reset: str = "episode",
    ) -> None:
        check_choice("reset", reset, RESETS)
        self.iterated, self.config, self.rng, self.reset = iterated, config, rng, reset
        shape = (1, iterated.n_states, iterated.n_follower_actions)
        self.q_tables = np.zeros(shape)  # the carried-over table of "update" and "never"
        self.replies: list[np.ndarray] = []
        """Per call (one per leader update): the greedy table of the last Q-learner trained."""

    @property
    def episode_cost(self) -> int:
        """Episodes of env steps one leader episode costs: Q-learning plus the greedy episode."""
        return self.config.episodes + 1

    def reply(self, answers: np.ndarray, leader_probabilities: np.ndarray) -> np.ndarray:
        """Greedy tables (B, S) of B fresh Q-learners, one per leader episode, each trained
        against the leader's stochastic policy (S, n) acting step by step (``reset="episode"``
        only)."""
        if self.reset != "episode":
            raise ValueError(
                f"reply trains fresh learners: it needs reset='episode', not {self.reset!r}"
            )
        it = self.iterated
        q_tables = np.zeros((len(answers), it.n_states, it.n_follower_actions))

        def leader_act(_step: int, states: np.ndarray) -> np.ndarray:
            return sample_actions(leader_probabilities[states], self.rng)

        train_q_followers(it, None, q_tables, self.config, self.rng, leader_act)
        follower = greedy_tables(q_tables)
        self.replies.append(follower[-1])
        return follower

    def __call__(self, leader_tables: np.ndarray) -> np.ndarray:
        it = self.iterated
        if self.reset == "episode":
            q_tables = np.zeros((len(leader_tables), it.n_states, it.n_follower_actions))
            train_q_followers(it, leader_tables, q_tables, self.config, self.rng)
            follower = greedy_tables(q_tables)
        else:
            if self.reset == "update":
                self.q_tables[:] = 0.0
            follower = np.empty(np.shape(leader_tables), dtype=np.int64)
            for i, table in enumerate(leader_tables):
                train_q_followers(it, table[None], self.q_tables, self.config, self.rng)
                follower[i] = greedy_tables(self.q_tables)[0]
        self.replies.append(follower[-1])
        episode = play_tables(it, leader_tables, follower)
        return episode["leader_rewards"].sum(axis=1) - it.horizon * it.game.offset
