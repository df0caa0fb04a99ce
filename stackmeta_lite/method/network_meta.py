"""Algorithm 1 where no table of contexts fits (3x3 and up): the network follower pre-trained
against random leaders, a PPO leader that commits to one sampled table per episode, the
verification, and optionally continual training (the follower keeps learning on the tables the
leader samples, as ``method.continual`` does at 2x2).

The follower is time-aware (``followers.network``), so ``experiments.network_run`` scores a run
against the exact time-aware Stackelberg value; the exact solver only measures.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass

import numpy as np

from stackmeta_lite.common.validation import check_integer, check_positive_int
from stackmeta_lite.games.iterated import IteratedGame, StepCounter
from stackmeta_lite.learners.ppo import PPOConfig
from stackmeta_lite.method.followers.network import NetworkConfig, NetworkLearner, play
from stackmeta_lite.method.presets import LEADER_PPO_CONTINUAL


@dataclass(frozen=True)
class NetworkRunConfig:
    """A network-follower run: the follower's pre-training, the leader, the follower's batches
    per leader update while the leader trains (0: frozen) and the verification's batches."""

    follower: NetworkConfig = NetworkConfig()
    leader: PPOConfig = LEADER_PPO_CONTINUAL
    continual: int = 0
    verify_batches: int = 50

    def __post_init__(self) -> None:
        check_integer("continual", self.continual, low=0)
        check_positive_int("verify_batches", self.verify_batches)


@dataclass
class NetworkResponse:
    """A table leader's ``respond``: the centred leader returns of the sampled tables against
    the network's greedy replies; with ``continual`` > 0, then that many learning batches of the
    follower against tables drawn from them (at its final exploration rate), counted."""

    iterated: IteratedGame
    learner: NetworkLearner
    continual: int
    steps: StepCounter

    def __call__(self, leader_tables: np.ndarray) -> np.ndarray:
        _, _, leader = play(self.learner.follower, leader_tables, 0.0, self.learner.rng)
        config = self.learner.config
        for _ in range(self.continual):
            rows = self.learner.rng.integers(0, len(leader_tables), config.episodes_per_batch)
            self.learner.learn(leader_tables[rows], config.epsilon_end)
            self.steps.add_episodes(self.iterated, config.episodes_per_batch)
        return leader - self.iterated.horizon * self.iterated.game.offset


def verify_network(
    learner: NetworkLearner, iterated: IteratedGame, leader_table: np.ndarray, batches: int
) -> tuple[float, NetworkLearner, int]:
    """The paper's verification: a copy of the learner trained ``batches`` more batches against
    the frozen leader table alone; (its greedy return's gain, raw per step; the copy; the env
    steps it played)."""
    table = np.atleast_2d(leader_table)
    tuned = deepcopy(learner)
    episodes = np.repeat(table, learner.config.episodes_per_batch, axis=0)
    for _ in range(batches):
        tuned.learn(episodes, learner.config.epsilon_end)
    before = play(learner.follower, table, 0.0, np.random.default_rng(0))[1][0]
    after = play(tuned.follower, table, 0.0, np.random.default_rng(0))[1][0]
    played = batches * len(episodes) * iterated.steps_per_episode(with_queries=True)
    return (after - before) / iterated.horizon, tuned, played
