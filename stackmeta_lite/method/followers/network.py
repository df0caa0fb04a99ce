"""A contextual follower for games where no table of contexts fits: a small network that
generalises across leaders (the first step of issue 22, "beyond 2x2").

In a 3x3 game with one-step memory the leader has 3**10 = 59,049 tables: random leaders almost
never repeat, so a follower must generalise from the leaders it met to the ones it did not. This
one is time-aware (the class of the exact 3x3 reference, ``solver`` with ``"time_aware"``): an
MLP maps the leader's answers (one-hot per state), the follower's state and the leader's answer
in that state to fixed-horizon action values ``Q_h(., a)`` for every horizon h = 1..H at once, and
the follower plays greedily with ``H - t`` steps to go. It learns by fixed-horizon Q-learning
(De Asis et al., AAAI 2020): each replayed transition's target for horizon h is
``r + max_a' Q_{h-1}(s', a')``, so no value bootstraps from itself. Leaders are uniformly random
tables; exploration is epsilon-greedy, annealed.

``NetworkLearner`` keeps what the learning rule needs (optimiser, replay, random stream), so the
same learner pre-trains, keeps training while a leader trains and is fine-tuned by the
verification (``method.network_meta``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from stackmeta_lite.common.validation import check_positive_int, check_range
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.solver import best_responses


@dataclass(frozen=True)
class NetworkConfig:
    """Fixed-horizon Q-learning of the network follower: ``max_steps`` env steps (paper
    convention) in batches of ``episodes_per_batch`` episodes, each followed by ``updates`` Adam
    steps (``lr``) on ``minibatch`` replayed transitions; epsilon falls linearly from
    ``epsilon_start`` to ``epsilon_end``; ``hidden`` units in each of two layers."""

    max_steps: int = 80_000
    episodes_per_batch: int = 16
    updates: int = 32
    minibatch: int = 512
    lr: float = 3e-3
    hidden: int = 256
    epsilon_start: float = 0.35
    epsilon_end: float = 0.05

    def __post_init__(self) -> None:
        for name in ("max_steps", "episodes_per_batch", "updates", "minibatch", "hidden"):
            check_positive_int(name, getattr(self, name))
        check_range("lr", self.lr, 0.0, low_open=True)
        check_range("epsilon_start", self.epsilon_start, 0.0, 1.0)
        check_range("epsilon_end", self.epsilon_end, 0.0, self.epsilon_start)


class NetworkFollower(nn.Module):
    """Q-values (B, H, m) of the follower for leader tables (B, S) and states (B,)."""

    def __init__(self, iterated: IteratedGame, hidden: int) -> None:
        super().__init__()
        self.iterated = iterated
        n, s = iterated.n_leader_actions, iterated.n_states
        self.net = nn.Sequential(
            nn.Linear(s * n + s + n, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, iterated.horizon * iterated.n_follower_actions),
        )

    def features(self, tables: np.ndarray, states: np.ndarray) -> torch.Tensor:
        """One-hot answers per state, one-hot state, one-hot answer in that state."""
        n, s = self.iterated.n_leader_actions, self.iterated.n_states
        rows = np.arange(len(tables))
        x = np.zeros((len(tables), s * n + s + n), dtype=np.float32)
        x[rows[:, None], np.arange(s) * n + tables] = 1
        x[rows, s * n + states] = 1
        x[rows, s * n + s + tables[rows, states]] = 1
        return torch.from_numpy(x)

    def forward(self, tables: np.ndarray, states: np.ndarray) -> torch.Tensor:
        q = self.net(self.features(tables, states))
        return q.view(len(tables), self.iterated.horizon, self.iterated.n_follower_actions)

    @torch.no_grad()
    def act(self, step: int, tables: np.ndarray, states: np.ndarray) -> np.ndarray:
        """Greedy actions at ``step`` (``horizon - step`` steps to go)."""
        return self(tables, states)[:, self.iterated.horizon - 1 - step].argmax(-1).numpy()


def play(
    follower: NetworkFollower,
    tables: np.ndarray,
    epsilon: float,
    rng: np.random.Generator,
) -> tuple[list[tuple], np.ndarray, np.ndarray]:
    """One episode against each leader table (B, S), epsilon-greedy: the transitions
    (tables, states, actions, rewards, next states) per step, and the follower's and the
    leader's raw returns (B,)."""
    iterated = follower.iterated
    states = np.zeros(len(tables), dtype=np.int64)
    transitions, returns, leader_returns = [], np.zeros(len(tables)), np.zeros(len(tables))
    for step in range(iterated.horizon):
        actions = follower.act(step, tables, states)
        explore = rng.random(len(tables)) < epsilon
        actions[explore] = rng.integers(0, iterated.n_follower_actions, explore.sum())
        leader_actions = tables[np.arange(len(tables)), states]
        leader_rewards, rewards = iterated.rewards(leader_actions, actions, centred=False)
        following = iterated.next_state(leader_actions, actions)
        transitions.append((tables, states, actions, rewards, following))
        returns += rewards
        leader_returns += leader_rewards
        states = following
    return transitions, returns, leader_returns


@dataclass
class NetworkLearner:
    """A network follower with everything its learning rule keeps: the optimiser, the replay of
    rows (table..., state, action, reward, next state) and its random stream."""

    follower: NetworkFollower
    optimizer: torch.optim.Optimizer
    memory: np.ndarray
    rng: np.random.Generator
    config: NetworkConfig

    def learn(self, tables: np.ndarray, epsilon: float) -> None:
        """One batch: an episode against each leader table (B, S), epsilon-greedy, into the
        replay, then ``config.updates`` fixed-horizon steps on replayed rows."""
        transitions, _, _ = play(self.follower, tables, epsilon, self.rng)
        rows = [np.column_stack([t, s, a, r, s2]) for t, s, a, r, s2 in transitions]
        self.memory = np.concatenate([self.memory, *rows])
        for _ in range(self.config.updates):
            sample = self.memory[self.rng.integers(0, len(self.memory), self.config.minibatch)]
            _fixed_horizon_step(self.follower, self.optimizer, sample)


def new_network_learner(iterated: IteratedGame, config: NetworkConfig, seed: int) -> NetworkLearner:
    """An untrained network follower and its learning state, seeded."""
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    follower = NetworkFollower(iterated, config.hidden)
    optimizer = torch.optim.Adam(follower.parameters(), lr=config.lr)
    return NetworkLearner(follower, optimizer, np.empty((0, iterated.n_states + 4)), rng, config)


def pretrain_network(
    iterated: IteratedGame, config: NetworkConfig, seed: int
) -> tuple[NetworkLearner, int]:
    """A network learner pre-trained against uniformly random leader tables, and the env steps
    it played (paper convention: queries counted)."""
    learner = new_network_learner(iterated, config, seed)
    per_batch = config.episodes_per_batch * iterated.steps_per_episode(with_queries=True)
    batches = max(1, config.max_steps // per_batch)
    shape = (config.episodes_per_batch, iterated.n_states)
    for batch in range(batches):
        epsilon = config.epsilon_start + (config.epsilon_end - config.epsilon_start) * (
            batch / batches
        )
        learner.learn(learner.rng.integers(0, iterated.n_leader_actions, shape), epsilon)
    return learner, batches * per_batch


def train_network(
    iterated: IteratedGame, config: NetworkConfig, seed: int
) -> tuple[NetworkFollower, int]:
    """A network follower pre-trained against uniformly random leader tables, and the env steps
    it played (paper convention: queries counted)."""
    learner, steps = pretrain_network(iterated, config, seed)
    return learner.follower, steps


def _fixed_horizon_step(follower: NetworkFollower, optimizer, sample: np.ndarray) -> None:
    """One Adam step on the fixed-horizon targets ``r + max_a' Q_{h-1}(s', a')`` of a sample of
    replayed rows (table..., state, action, reward, next state)."""
    n_states = follower.iterated.n_states
    tables = sample[:, :n_states].astype(np.int64)
    states, actions, following = (sample[:, n_states + k].astype(np.int64) for k in (0, 1, 3))
    rewards = torch.as_tensor(sample[:, n_states + 2], dtype=torch.float32)
    with torch.no_grad():
        best_next = follower(tables, following).max(-1).values[:, :-1]  # V_1 .. V_{H-1}
        targets = rewards[:, None] + torch.cat([torch.zeros(len(sample), 1), best_next], dim=1)
    q = follower(tables, states)[torch.arange(len(sample)), :, torch.as_tensor(actions)]
    loss = ((q - targets) ** 2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def held_out_gaps(follower: NetworkFollower, tables: np.ndarray) -> np.ndarray:
    """The greedy follower's exact gap (raw follower payoff per step) to a time-aware best
    response against each leader table (B, S): a measurement, no learner reads it."""
    iterated = follower.iterated
    tables = iterated.check_leader_tables(np.atleast_2d(tables))
    _, returns, _ = play(follower, tables, 0.0, np.random.default_rng(0))
    _, _, best = best_responses(iterated, tables, "time_aware")
    return (best - returns) / iterated.horizon
