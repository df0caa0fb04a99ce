"""Tabular Q-learning followers on the plain memory-1 state (no context), vectorised over B
independent Q-tables, for the PPO+Q-learn baseline (Brero et al.) and the Battle-of-the-Sexes
failure."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stackmeta_lite.common.validation import check_positive_int, check_range
from stackmeta_lite.games.batched import LeaderAct
from stackmeta_lite.games.iterated import IteratedGame


@dataclass(frozen=True)
class QLearningConfig:
    """Q-learning hyperparameters: epsilon, gamma and episodes are the original's; the release
    ignored its learning rate, so ``lr`` is ours (tuned, see the benchmark notes)."""

    lr: float = 0.3  # best of 0.05..0.9 in benchmarks/tune_qlearn.py
    epsilon: float = 0.1
    gamma: float = 0.9
    episodes: int = 80  # training episodes per leader episode, then one greedy episode

    def __post_init__(self) -> None:
        check_range("lr", self.lr, 0.0, 1.0, low_open=True)
        check_range("epsilon", self.epsilon, 0.0, 1.0)
        check_range("gamma", self.gamma, 0.0, 1.0)
        check_positive_int("episodes", self.episodes)


def train_q_followers(
    iterated: IteratedGame,
    leader_tables: np.ndarray | None,
    q_tables: np.ndarray,
    config: QLearningConfig,
    rng: np.random.Generator,
    leader_act: LeaderAct | None = None,
) -> None:
    """Run ``config.episodes`` epsilon-greedy episodes of each Q-table (B, S, m), updated in
    place, against its leader table (B, S) or, if given, against ``leader_act(step, states)``
    (a stochastic leader; ``leader_tables`` is then None). Centred follower rewards."""
    batch = len(q_tables)
    rows = np.arange(batch)
    if leader_act is None:
        tables = iterated.check_leader_tables(np.atleast_2d(leader_tables))

        def leader_act(_step: int, states: np.ndarray) -> np.ndarray:
            return tables[rows, states]

    for _ in range(config.episodes):
        state = np.zeros(batch, dtype=np.int64)
        for t in range(iterated.horizon):
            values = q_tables[rows, state]
            greedy = _argmax_random_ties(values, rng)
            explore = rng.random(batch) < config.epsilon
            action = np.where(explore, rng.integers(0, iterated.n_follower_actions, batch), greedy)
            leader_action = leader_act(t, state)
            _, reward = iterated.rewards(leader_action, action, centred=True)
            nxt = iterated.next_state(leader_action, action)
            bootstrap = (
                0.0 if t == iterated.horizon - 1 else config.gamma * q_tables[rows, nxt].max(-1)
            )
            target = reward + bootstrap
            q_tables[rows, state, action] += config.lr * (target - q_tables[rows, state, action])
            state = nxt


def _argmax_random_ties(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    noise = rng.random(values.shape) * 1e-9
    return (values + noise).argmax(-1)


def greedy_tables(q_tables: np.ndarray) -> np.ndarray:
    """Greedy follower tables (B, S) of Q-tables (B, S, m)."""
    return q_tables.argmax(-1)
