"""DQN (Mnih et al. 2015) for a leader that answers the queries one state at a time.

The leader's decision process is the query tree: node (k, answers to states 0..k-1), action =
answer for state k, reward 0 until the last answer, which earns the centred return of the episode
played after the answers. Its policy in a state is epsilon-greedy around its greedy answer there.
Q is a table (linear without bias on one-hot nodes) or an MLP, trained from a replay buffer
against a target network. Exploration is epsilon-greedy with a linear decay (the paper used
RLlib's parameter noise).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from stackmeta_lite.common.validation import (
    check_bool,
    check_integer,
    check_positive_int,
    check_range,
    check_table_size,
)


@dataclass(frozen=True)
class DQNConfig:
    """DQN hyperparameters; the paper's Table 1 values are noted where ours differ."""

    lr: float = 0.03  # Adam step size (paper 0.001: too slow for a one-hot Q table, see notes)
    batch_size: int = 256  # replay samples per update (paper train_batch_size 1024)
    learning_starts: int = 50  # episodes before learning (paper: 5000 steps = 334 episodes)
    iterations: int = 1000  # updates, one episode each (paper: 20000 with fragments of 10 steps)
    episodes_per_iteration: int = 1
    target_update: int = 50  # updates between target-network copies
    epsilon_start: float = 1.0
    epsilon_end: float = 0.02
    exploration_episodes: int = 500
    buffer_size: int = 50_000  # transitions
    hidden: int | None = None

    def __post_init__(self) -> None:
        check_range("lr", self.lr, 0.0, low_open=True)
        for name in (
            "batch_size",
            "iterations",
            "episodes_per_iteration",
            "target_update",
            "exploration_episodes",
            "buffer_size",
        ):
            check_positive_int(name, getattr(self, name))
        check_integer("learning_starts", self.learning_starts, low=0)
        check_range("epsilon_start", self.epsilon_start, 0.0, 1.0)
        check_range("epsilon_end", self.epsilon_end, 0.0, 1.0)
        if self.hidden is not None:
            check_positive_int("hidden", self.hidden)


def _q_network(n_inputs: int, n_actions: int, hidden: int | None) -> nn.Module:
    if hidden is None:
        return nn.Linear(n_inputs, n_actions, bias=False)
    return nn.Sequential(nn.Linear(n_inputs, hidden), nn.ReLU(), nn.Linear(hidden, n_actions))


class QueryDQN:
    """A DQN agent on the query tree of ``n_states`` answers with ``n_actions`` each."""

    def __init__(self, n_states: int, n_actions: int, config: DQNConfig, rng: np.random.Generator):
        self.n_states, self.n_actions, self.config, self.rng = n_states, n_actions, config, rng
        nodes = sum(n_actions**depth for depth in range(n_states))  # Python ints: no overflow
        rows = max(config.batch_size, config.episodes_per_iteration)
        width = config.hidden or n_actions  # Q, target and Adam's two moments: 4 x width
        check_table_size(  # float32, before allocating
            f"the DQN leader's query tree ({nodes:,} nodes for {n_states} states x {n_actions} "
            f"answers: one-hot batches of {rows:,} and Q networks of width {width})",
            nodes * (rows + 4 * width),
            bytes_per_entry=4,
        )
        # Node offsets: depth k holds n_actions**k nodes; depth n_states is terminal.
        self.offsets = np.concatenate([[0], np.cumsum(n_actions ** np.arange(n_states))])
        self.n_nodes = int(self.offsets[-1])
        self.q = _q_network(self.n_nodes, n_actions, config.hidden)
        self.target = _q_network(self.n_nodes, n_actions, config.hidden)
        self.target.load_state_dict(self.q.state_dict())
        self.optimizer = torch.optim.Adam(self.q.parameters(), lr=config.lr)
        size = config.buffer_size
        self.buffer = {
            "node": np.zeros(size, dtype=np.int64),
            "action": np.zeros(size, dtype=np.int64),
            "reward": np.zeros(size, dtype=np.float32),
            "next": np.zeros(size, dtype=np.int64),
            "done": np.zeros(size, dtype=bool),
        }
        self.stored = 0  # transitions written so far; the buffer is a ring
        self.episodes = 0
        self.updates = 0

    def _values(self, network: nn.Module, nodes: np.ndarray) -> torch.Tensor:
        one_hot = nn.functional.one_hot(torch.as_tensor(nodes), self.n_nodes).float()
        return network(one_hot)

    def _nodes(self, tables: np.ndarray, depth: int) -> np.ndarray:
        powers = self.n_actions ** np.arange(depth)
        return self.offsets[depth] + tables[:, :depth] @ powers

    @property
    def epsilon(self) -> float:
        c = self.config
        fraction = min(self.episodes / c.exploration_episodes, 1.0)
        return c.epsilon_start + fraction * (c.epsilon_end - c.epsilon_start)

    def act(self, n_episodes: int, explore: bool = True) -> np.ndarray:
        """Answer all queries for ``n_episodes`` episodes: tables (n_episodes, n_states)."""
        check_bool("explore", explore)
        tables = np.zeros((n_episodes, self.n_states), dtype=np.int64)
        with torch.no_grad():
            for k in range(self.n_states):
                greedy = self._values(self.q, self._nodes(tables, k)).argmax(-1).numpy()
                random = self.rng.integers(0, self.n_actions, n_episodes)
                explore_mask = self.rng.random(n_episodes) < (self.epsilon if explore else 0.0)
                tables[:, k] = np.where(explore_mask, random, greedy)
        return tables

    def greedy_table(self) -> np.ndarray:
        """The greedy answers, shape (n_states,)."""
        return self.act(1, explore=False)[0]

    def policy_probabilities(self) -> np.ndarray:
        """The epsilon-greedy policy of every state around the greedy answers (n_states,
        n_actions): how the leader plays step by step."""
        one_hot = np.eye(self.n_actions)[self.greedy_table()]
        return (1 - self.epsilon) * one_hot + self.epsilon / self.n_actions

    def observe(self, tables: np.ndarray, returns: np.ndarray) -> None:
        """Store the transitions of finished episodes (tables and centred returns)."""
        for k in range(self.n_states):
            last = k == self.n_states - 1
            transitions = {
                "node": self._nodes(tables, k),
                "action": tables[:, k],
                "reward": returns if last else np.zeros(len(tables)),
                "next": self._nodes(tables, k if last else k + 1),
                "done": np.full(len(tables), last),
            }
            slots = (self.stored + np.arange(len(tables))) % self.config.buffer_size
            for key, values in transitions.items():
                self.buffer[key][slots] = values
            self.stored += len(tables)
        self.episodes += len(tables)

    def learn(self) -> None:
        """One gradient step on a replay minibatch, once enough episodes are stored."""
        if self.episodes < max(self.config.learning_starts, 1):
            return
        size = min(self.stored, self.config.buffer_size)
        index = self.rng.integers(0, size, min(self.config.batch_size, size))
        batch = {key: values[index] for key, values in self.buffer.items()}
        with torch.no_grad():
            next_values = self._values(self.target, batch["next"]).max(-1).values
            targets = torch.as_tensor(batch["reward"], dtype=torch.float32) + torch.where(
                torch.as_tensor(batch["done"]), 0.0, next_values
            )
        values = self._values(self.q, batch["node"]).gather(
            1, torch.as_tensor(batch["action"])[:, None]
        )[:, 0]
        loss = nn.functional.smooth_l1_loss(values, targets)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.updates += 1
        if self.updates % self.config.target_update == 0:
            self.target.load_state_dict(self.q.state_dict())
