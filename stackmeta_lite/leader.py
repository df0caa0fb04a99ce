"""Phase 2: train a leader against the frozen contextual follower, with PG, PPO or DQN.

The leader's policy answers the queries: it samples one action per state, i.e. a table, at the
start of every episode, and plays by that table (commitment). PG and PPO therefore treat an
episode as one decision whose log-probability is the sum over the answered states, with the
centred episode return as its reward. The follower plays greedily (exploration off).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

from stackmeta_lite.batched import rollout
from stackmeta_lite.iterated import IteratedGame
from stackmeta_lite.learners.dqn import DQNConfig, QueryDQN
from stackmeta_lite.learners.pg import PGConfig, reinforce_loss
from stackmeta_lite.learners.policy import CategoricalPolicy, sample_actions
from stackmeta_lite.learners.ppo import PPOConfig, clipped_surrogate_loss
from stackmeta_lite.meta import StepCounter, episodes_per_batch
from stackmeta_lite.validation import check_choice

LEADER_METHODS: tuple[str, ...] = ("pg", "ppo", "dqn")
LEADER_PG = PGConfig(lr=0.156, batch_steps=100, iterations=1200, gamma=1.0)
"""The paper's Table 1 leader PG."""

LeaderConfig = PGConfig | PPOConfig | DQNConfig
FollowerResponse = Callable[[np.ndarray], np.ndarray]
"""``respond(leader_tables (B, S)) -> returns`` of the centred leader episode return (B,)."""


def default_config(method: str) -> LeaderConfig:
    """The paper's Table 1 hyperparameters for a leader method."""
    check_choice("leader method", method, LEADER_METHODS)
    return {"pg": LEADER_PG, "ppo": PPOConfig(), "dqn": DQNConfig()}[method]


def greedy_follower_response(iterated: IteratedGame, greedy_table: np.ndarray) -> FollowerResponse:
    """Centred leader episode returns against a contextual follower's greedy table (160,)."""

    def act(_step: int, _states: np.ndarray, observations: np.ndarray) -> np.ndarray:
        return greedy_table[observations]

    def respond(leader_tables: np.ndarray) -> np.ndarray:
        episode = rollout(iterated, leader_tables, act, centred=True)
        return episode["leader_rewards"].sum(axis=1)

    return respond


@dataclass
class LeaderRun:
    """After each update: the leader's greedy table, the steps spent so far (with queries,
    plain) and the batch's mean centred episode return."""

    tables: list[np.ndarray] = field(default_factory=list)
    steps: list[tuple[int, int]] = field(default_factory=list)
    batch_returns: list[float] = field(default_factory=list)

    def record(self, table: np.ndarray, counter: StepCounter, returns: np.ndarray) -> None:
        self.tables.append(np.array(table))
        self.steps.append((counter.with_queries, counter.plain))
        self.batch_returns.append(float(np.mean(returns)))


def train_leader(
    iterated: IteratedGame,
    respond: FollowerResponse,
    method: str = "ppo",
    config: LeaderConfig | None = None,
    seed: int = 0,
    steps: StepCounter | None = None,
    episode_cost: int = 1,
) -> LeaderRun:
    """Train a leader against ``respond``; ``steps`` continues a count (e.g. pre-training) and
    every leader episode costs ``episode_cost`` episodes of env steps."""
    check_choice("leader method", method, LEADER_METHODS)
    config = config or default_config(method)
    expected = type(default_config(method))
    if not isinstance(config, expected):
        raise ValueError(f"method {method!r} needs a {expected.__name__}, got {config!r}")
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    steps = steps or StepCounter()
    if method == "dqn":
        return _train_dqn(iterated, respond, config, rng, steps, episode_cost)
    return _train_policy_gradient(iterated, respond, method, config, rng, steps, episode_cost)


def _train_policy_gradient(iterated, respond, method, config, rng, steps, episode_cost):
    policy = CategoricalPolicy(iterated.n_states, iterated.n_leader_actions, config.hidden)
    optimizer = torch.optim.Adam(policy.parameters(), lr=config.lr)
    n_episodes = episodes_per_batch(iterated, config.batch_steps)
    states = torch.arange(iterated.n_states).repeat(n_episodes, 1)
    run = LeaderRun()
    for _ in range(config.iterations):
        probabilities = policy.probabilities()
        tables = sample_actions(
            np.broadcast_to(probabilities, (n_episodes, *probabilities.shape)), rng
        )
        returns = torch.as_tensor(respond(tables), dtype=torch.float32)
        steps.add_episodes(iterated, n_episodes * episode_cost)
        actions = torch.as_tensor(tables)
        advantages = returns - returns.mean()
        if method == "pg":
            loss = reinforce_loss(policy.log_probs(states, actions).sum(-1), advantages)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        else:
            advantages = advantages / (advantages.std() + 1e-8)
            with torch.no_grad():
                old = policy.log_probs(states, actions).sum(-1)
            for _ in range(config.epochs):
                new = policy.log_probs(states, actions).sum(-1)
                loss = clipped_surrogate_loss(new, old, advantages, config.clip_coef)
                if config.entropy_coef:
                    entropy = torch.distributions.Categorical(logits=policy(states[0])).entropy()
                    loss = loss - config.entropy_coef * entropy.mean()
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        run.record(policy.greedy(), steps, returns.numpy())
    return run


def _train_dqn(iterated, respond, config, rng, steps, episode_cost):
    agent = QueryDQN(iterated.n_states, iterated.n_leader_actions, config, rng)
    run = LeaderRun()
    for _ in range(config.iterations):
        tables = agent.act(config.episodes_per_iteration)
        returns = respond(tables)
        steps.add_episodes(iterated, config.episodes_per_iteration * episode_cost)
        agent.observe(tables, returns)
        agent.learn()
        run.record(agent.greedy_table(), steps, returns)
    return run
