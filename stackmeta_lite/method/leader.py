"""Phase 2: train a leader against the frozen contextual follower, with PG, PPO or DQN.

The faithful leader (the paper's, ``train_leader``) decides step by step. Each episode it
answers the queries by sampling its policy in every state (reward 0), the follower sees those
answers as its context and plays greedily, and the leader then plays by sampling its policy in
each visited state (centred rewards): 5 + 10 decisions per 2x2 episode. The leader depends on the
follower only through its greedy table over the follower's observations, so any follower learner
plugs in; an ``Opponent`` that does not see the answers (the PPO+Q-learn baseline's fresh
Q-learners) makes the leader skip the queries: 10 decisions per episode.

The ablation (``train_table_leader``) commits to one sampled table per episode and plays by it;
PG and PPO then treat the episode as one decision whose log-probability is the sum over the
answered states and whose reward is the centred episode return.

Answers and play actions are independent samples of one policy, so changing a state's answer
alone, or its play alone, can lower the return where changing both raises it (in hero's start
state against a best-responding follower). Gradient leaders can stall there; the ablation, which
plays what it answered, has no such local optima.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import torch

from stackmeta_lite.common.validation import check_action_array, check_seed
from stackmeta_lite.games.batched import rollout
from stackmeta_lite.games.iterated import (
    IteratedGame,
    StepCounter,
    check_iterated,
    episodes_per_batch,
)
from stackmeta_lite.learners.dqn import DQNConfig, QueryDQN
from stackmeta_lite.learners.pg import PGConfig, pg_update, returns_to_go
from stackmeta_lite.learners.policy import CategoricalPolicy, ValueFunction, sample_actions
from stackmeta_lite.learners.ppo import PPOConfig, ppo_optimizer, ppo_update
from stackmeta_lite.method.presets import LEADER_PPO

LeaderConfig = PGConfig | PPOConfig | DQNConfig
"""A leader learner's config; its type selects the learner."""
FollowerResponse = Callable[[np.ndarray], np.ndarray]
"""``respond(leader_tables (B, S)) -> returns`` of the centred leader episode return (B,)."""


def leader_algorithm(config: LeaderConfig) -> str:
    """``pg``, ``ppo`` or ``dqn`` for a leader config, or a ValueError naming the allowed types."""
    for name, kind in (("pg", PGConfig), ("ppo", PPOConfig), ("dqn", DQNConfig)):
        if isinstance(config, kind):
            return name
    raise ValueError(f"a leader config must be a PGConfig, PPOConfig or DQNConfig; got {config!r}")


def check_follower_table(iterated: IteratedGame, follower_table: np.ndarray) -> np.ndarray:
    """A follower's greedy table: one action in [0, m) per follower observation, as int64 (the
    strict rule of ``validation.check_action_array``), or an error."""
    table = np.asarray(follower_table)
    shape = (iterated.n_follower_observations,)
    if table.shape != shape:
        raise ValueError(
            f"a follower table needs one integer action per observation, shape {shape}; "
            f"got {table.dtype} of shape {table.shape}"
        )
    return check_action_array("follower", table, iterated.n_follower_actions, shape)


def greedy_follower_response(iterated: IteratedGame, greedy_table: np.ndarray) -> FollowerResponse:
    """Centred leader episode returns of committed tables against a contextual follower's greedy
    table (one action per follower observation)."""
    greedy_table = check_follower_table(iterated, greedy_table)

    def act(_step: int, _states: np.ndarray, observations: np.ndarray) -> np.ndarray:
        return greedy_table[observations]

    def respond(leader_tables: np.ndarray) -> np.ndarray:
        episode = rollout(iterated, leader_tables, act, centred=True)
        return episode["leader_rewards"].sum(axis=1)

    return respond


class Opponent(Protocol):
    """What the step-wise leader plays against: a frozen contextual follower
    (``ContextualOpponent``) or the baseline's fresh Q-learners."""

    queried: bool  # does the follower see the leader's answers (then the leader answers)?
    episode_cost: int  # episodes of env steps that one leader episode costs

    def reply(self, answers: np.ndarray, leader_probabilities: np.ndarray) -> np.ndarray:
        """The follower's table (B, S) for each episode, given the answers (B, S) and the
        leader's policy (S, n)."""
        ...


@dataclass(frozen=True)
class ContextualOpponent:
    """A frozen contextual follower playing its greedy table (one action per observation)."""

    iterated: IteratedGame
    greedy_table: np.ndarray
    queried = True
    episode_cost = 1

    def reply(self, answers: np.ndarray, leader_probabilities: np.ndarray) -> np.ndarray:
        contexts = self.iterated.context(answers, check_input=False)  # sampled: valid
        states = np.arange(self.iterated.n_states)
        return self.greedy_table[self.iterated.follower_observation(states, contexts[:, None])]


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
    follower: np.ndarray | Opponent,
    config: LeaderConfig = LEADER_PPO,
    seed: int = 0,
    steps: StepCounter | None = None,
) -> LeaderRun:
    """The faithful leader (see the module docstring) against a follower's greedy table (one
    action per follower observation) or an ``Opponent``; the config's type selects PG, PPO or
    DQN; ``steps`` continues a count (e.g. pre-training)."""
    check_iterated(iterated)
    algorithm = leader_algorithm(config)
    seed = check_seed("seed", seed)
    if not callable(getattr(follower, "reply", None)):  # not an Opponent: a greedy table
        follower = ContextualOpponent(iterated, check_follower_table(iterated, follower))
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    steps = steps or StepCounter()
    if algorithm == "dqn":

        def play(agent: QueryDQN, answers: np.ndarray) -> np.ndarray:
            probabilities = agent.policy_probabilities()
            episode = _play_stepwise(iterated, follower, answers, probabilities, rng)
            return episode["leader_rewards"].sum(axis=1)

        return _train_dqn(iterated, play, config, rng, steps, follower.episode_cost)
    return _train_stepwise_policy(iterated, follower, config, rng, steps)


def _optimizer(policy, critic, config) -> torch.optim.Adam:
    if isinstance(config, PPOConfig):
        return ppo_optimizer(policy, critic, config)
    return torch.optim.Adam(policy.parameters(), lr=config.lr)


def _play_stepwise(iterated, follower, answers, probabilities, rng) -> dict[str, np.ndarray]:
    """One episode per row of ``answers`` against the follower's reply to them; the leader
    samples ``probabilities`` (S, n) in each visited state. Centred rewards."""
    tables = follower.reply(answers, probabilities)
    rows = np.arange(len(answers))
    return rollout(
        iterated,
        answers,
        lambda _t, states, _observations: tables[rows, states],
        centred=True,
        leader_act=lambda _t, states: sample_actions(probabilities[states], rng),
    )


def _train_stepwise_policy(iterated, follower, config, rng, steps) -> LeaderRun:
    n_states, horizon = iterated.n_states, iterated.horizon
    policy = CategoricalPolicy(n_states, iterated.n_leader_actions, config.hidden, config.init_std)
    critic = (
        ValueFunction((n_states + horizon) * n_states) if isinstance(config, PPOConfig) else None
    )
    optimizer = _optimizer(policy, critic, config)
    n_episodes = episodes_per_batch(iterated, config.batch_steps)
    queried = np.broadcast_to(np.arange(n_states), (n_episodes, n_states))
    first = 0 if follower.queried else n_states  # decisions before the first are not taken
    decision_index = np.arange(n_states + horizon)[first:]
    run = LeaderRun()
    for _ in range(config.iterations):
        # Rollout: sample the answers to the queries, then play step by step.
        probabilities = policy.probabilities()
        if follower.queried:
            answers = sample_actions(probabilities[queried], rng)
        else:  # a placeholder the follower never sees
            answers = np.zeros_like(queried)
        episode = _play_stepwise(iterated, follower, answers, probabilities, rng)
        steps.add_episodes(iterated, n_episodes * follower.episode_cost)
        # Decisions: the answers (reward 0), then the play actions (centred rewards).
        states = np.concatenate([queried, episode["states"]], axis=1)[:, first:]
        actions = np.concatenate([answers, episode["leader_actions"]], axis=1)[:, first:]
        rewards = np.concatenate([np.zeros(queried.shape), episode["leader_rewards"]], axis=1)
        returns = returns_to_go(torch.as_tensor(rewards[:, first:]), config.gamma).float()
        observations, actions = torch.as_tensor(states), torch.as_tensor(actions)
        if isinstance(config, PGConfig):
            pg_update(policy, optimizer, observations, actions, returns, config.baseline)
        else:  # the critic reads (decision index, state)
            value_observations = torch.as_tensor(decision_index * n_states + states)
            ppo_update(
                policy,
                optimizer,
                observations,
                actions,
                returns,
                config,
                critic,
                value_observations,
            )
        run.record(policy.greedy(), steps, episode["leader_rewards"].sum(axis=1))
    return run


def train_table_leader(
    iterated: IteratedGame,
    respond: FollowerResponse,
    config: LeaderConfig = LEADER_PPO,
    seed: int = 0,
    steps: StepCounter | None = None,
    episode_cost: int = 1,
) -> LeaderRun:
    """The table-commitment ablation (see the module docstring) against ``respond``; the
    config's type selects PG, PPO or DQN; ``steps`` continues a count and every leader episode
    costs ``episode_cost`` episodes of env steps."""
    check_iterated(iterated)
    algorithm = leader_algorithm(config)
    seed = check_seed("seed", seed)
    if not callable(respond):
        raise ValueError(f"respond must be callable (tables -> returns), got {respond!r}")
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    steps = steps or StepCounter()
    if algorithm == "dqn":
        return _train_dqn(
            iterated, lambda _agent, tables: respond(tables), config, rng, steps, episode_cost
        )
    policy = CategoricalPolicy(
        iterated.n_states, iterated.n_leader_actions, config.hidden, config.init_std
    )
    optimizer = _optimizer(policy, None, config)
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
        if algorithm == "pg":
            pg_update(policy, optimizer, states, actions, returns, config.baseline)
        else:
            ppo_update(policy, optimizer, states, actions, returns, config)
        run.record(policy.greedy(), steps, returns.numpy())
    return run


def _train_dqn(iterated, play, config, rng, steps, episode_cost) -> LeaderRun:
    """DQN on the query tree; ``play(agent, answers) -> centred returns`` plays the episodes."""
    agent = QueryDQN(iterated.n_states, iterated.n_leader_actions, config, rng)
    run = LeaderRun()
    for _ in range(config.iterations):
        answers = agent.act(config.episodes_per_iteration)
        returns = play(agent, answers)
        steps.add_episodes(iterated, config.episodes_per_iteration * episode_cost)
        agent.observe(answers, returns)
        agent.learn()
        run.record(agent.greedy_table(), steps, returns)
    return run
