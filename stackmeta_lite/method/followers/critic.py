"""A learned follower that beats the paper's: a contextual actor-critic.

The actor is the paper's contextual policy (a table of logits over (state, context)
observations: a linear model on one-hot inputs), stationary like the paper's. The critic learns,
from the follower's own sampled transitions only, the fixed-horizon action values
``Q_h(o, a)``: the return of action ``a`` in observation ``o`` with ``h`` steps to go, then
following the actor (fixed-horizon TD, De Asis et al., AAAI 2020). Because the follower's
dynamics do not depend on the step, every transition ``(o, a, r, o')`` updates all horizons at
once, by expected-SARSA targets ``r + sum_a' pi(a' | o') Q_{h-1}(o', a')`` over a replay of every
transition seen. The actor takes natural policy-gradient steps: each visited observation's logits
move by ``step_size`` times the critic's mean advantage there. Values start at zero; an action
tried fewer than ``optimistic_tries`` times is valued as the largest reward seen per step to go
(plus ``optimism`` times the spread of the rewards seen), so the actor tries it (again).

No reply is enumerated and no exact return is computed: the critic is an estimate that sampled
transitions correct, and the actor is only ever moved by it.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field

import numpy as np

from stackmeta_lite.common.validation import check_positive_int, check_range, check_type
from stackmeta_lite.games.batched import rollout
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.learners.policy import sample_actions
from stackmeta_lite.method.followers.base import OnEpisodes, for_updates, shuffled_rounds


@dataclass(frozen=True)
class CriticConfig:
    """The actor-critic follower: ``episodes_per_batch`` episodes per update, ``max_steps``
    budget (paper convention), natural-gradient ``step_size`` on the logits per unit of
    advantage, ``critic_sweeps`` TD sweeps of step ``critic_rate`` over the replay per update,
    and ``optimism``: before each update's sweeps, an action tried fewer than
    ``optimistic_tries`` times in an observation is valued at the largest reward seen plus this
    multiple of the spread of the rewards seen, per step to go. With ``verify_afresh``, when the
    verification's fine-tuning gains nothing, a second one afresh follows (``fine_tune_critic``
    and ``followers.KINDS``)."""

    episodes_per_batch: int = 4
    max_steps: int = 5_000
    step_size: float = 0.3
    critic_rate: float = 0.5
    critic_sweeps: int = 2
    optimism: float = 0.0
    optimistic_tries: int = 1
    verify_afresh: bool = True

    def __post_init__(self) -> None:
        check_positive_int("episodes_per_batch", self.episodes_per_batch)
        check_positive_int("max_steps", self.max_steps)
        check_range("step_size", self.step_size, 0.0, low_open=True)
        check_range("critic_rate", self.critic_rate, 0.0, 1.0, low_open=True)
        check_positive_int("critic_sweeps", self.critic_sweeps)
        check_range("optimism", self.optimism, 0.0)
        check_positive_int("optimistic_tries", self.optimistic_tries)
        check_type("verify_afresh", self.verify_afresh, bool, "True or False")


@dataclass
class ActorCritic:
    """The actor's logits (O, m), the critic's values ``q[h]`` (H + 1, O, m) with ``q[0] = 0``,
    how often each (observation, action) was tried, and the replay of every transition seen as
    rows (observation, action, reward, next observation) of a (4, N) array."""

    logits: np.ndarray
    q: np.ndarray
    tried: np.ndarray
    replay: np.ndarray = field(default_factory=lambda: np.empty((4, 0)))

    def greedy(self) -> np.ndarray:
        return self.logits.argmax(-1)

    def probabilities(self) -> np.ndarray:
        """The actor's action probabilities per observation (O, m)."""
        shifted = np.exp(self.logits - self.logits.max(-1, keepdims=True))
        return shifted / shifted.sum(-1, keepdims=True)


def new_actor_critic(iterated: IteratedGame, config: CriticConfig) -> ActorCritic:
    """A uniform actor and an untrained critic."""
    shape = (iterated.n_follower_observations, iterated.n_follower_actions)
    return ActorCritic(np.zeros(shape), np.zeros((iterated.horizon + 1, *shape)), np.zeros(shape))


def train_critic(
    learner: ActorCritic,
    iterated: IteratedGame,
    config: CriticConfig,
    rng: np.random.Generator,
    on_episodes: OnEpisodes | None = None,
    contexts: np.ndarray | None = None,
) -> ActorCritic:
    """Train ``learner`` against leader tables in shuffled rounds over ``contexts`` (default:
    all), ``config.episodes_per_batch`` episodes per update."""
    contexts = np.arange(iterated.n_contexts) if contexts is None else np.asarray(contexts)
    leaders = shuffled_rounds(contexts, rng)
    per_batch = config.episodes_per_batch * iterated.steps_per_episode(with_queries=True)
    for _ in range(max(1, config.max_steps // per_batch)):
        batch = np.array([next(leaders) for _ in range(config.episodes_per_batch)])
        probabilities = learner.probabilities()
        episode = rollout(
            iterated,
            iterated.leader_tables(batch),
            lambda _t, _s, obs, p=probabilities: sample_actions(p[obs], rng),
        )
        _remember(learner, iterated, config, batch, episode)
        probabilities = learner.probabilities()  # the actor moves only after the sweeps
        for _ in range(config.critic_sweeps):
            _td_sweep(learner, config, probabilities)
        _natural_step(learner, iterated, config, episode)
        if on_episodes is not None:
            on_episodes(config.episodes_per_batch)
    return learner


def _remember(
    learner: ActorCritic, iterated: IteratedGame, config: CriticConfig, batch, episode
) -> None:
    """Add the batch's transitions (o, a, r, o') to the replay, count the tried actions and make
    the rarely tried ones optimistic (see ``CriticConfig.optimism``)."""
    observations, actions = episode["observations"], episode["follower_actions"]
    last_state = iterated.next_state(episode["leader_actions"][:, -1], actions[:, -1])
    last = iterated.follower_observation(last_state, batch)  # batch: the context codes
    following = np.concatenate([observations[:, 1:], last[:, None]], axis=1)
    rewards = episode["follower_rewards"]
    new = np.stack([observations.ravel(), actions.ravel(), rewards.ravel(), following.ravel()])
    learner.replay = np.concatenate([learner.replay, new], axis=1)
    np.add.at(learner.tried, (observations.ravel(), actions.ravel()), 1)
    best, worst = learner.replay[2].max(), learner.replay[2].min()
    steps_to_go = np.arange(1, iterated.horizon + 1)[:, None]
    rare = learner.tried < config.optimistic_tries
    learner.q[1:, rare] = (best + config.optimism * (best - worst)) * steps_to_go


def _td_sweep(learner: ActorCritic, config: CriticConfig, probabilities: np.ndarray) -> None:
    """One fixed-horizon expected-SARSA sweep over the replay: each tried (observation, action)
    moves ``critic_rate`` of the way to its mean target, at every horizon h = 1..H at once."""
    observations, actions, rewards, following = learner.replay
    observations, actions, following = (
        x.astype(np.int64) for x in (observations, actions, following)
    )
    values = (probabilities[None] * learner.q).sum(-1)  # V_h(o), shape (H + 1, O)
    errors = rewards + values[:-1][:, following] - learner.q[1:, observations, actions]
    total = np.zeros_like(learner.q[1:])
    np.add.at(total, (slice(None), observations, actions), errors)
    tried = learner.tried > 0
    learner.q[1:, tried] += config.critic_rate * total[:, tried] / learner.tried[tried]


def _natural_step(
    learner: ActorCritic, iterated: IteratedGame, config: CriticConfig, episode
) -> None:
    """Move each visited observation's logits by ``step_size`` times the critic's advantage
    there, averaged over its visits (step t has ``horizon - t`` steps to go)."""
    observations = episode["observations"]
    steps_to_go = iterated.horizon - np.arange(iterated.horizon)
    q = learner.q[np.broadcast_to(steps_to_go, observations.shape), observations].reshape(
        -1, iterated.n_follower_actions
    )
    visited = observations.ravel()
    policy = learner.probabilities()[visited]
    advantages = q - (policy * q).sum(-1, keepdims=True)
    total = np.zeros_like(learner.logits)
    np.add.at(total, visited, advantages)
    visits = np.bincount(visited, minlength=len(total))
    seen = visits > 0
    learner.logits[seen] += config.step_size * total[seen] / visits[seen, None]


def fine_tune_critic(
    learner: ActorCritic,
    iterated: IteratedGame,
    config: CriticConfig,
    leader_table: np.ndarray,
    iterations: int,
    rng: np.random.Generator,
    on_episodes: OnEpisodes,
    afresh: bool = False,
) -> ActorCritic:
    """A copy of ``learner`` trained ``iterations`` more updates of its own rule on one frozen
    leader table (1, S): the paper's verification. ``afresh``: the copy first forgets its
    transitions, counts and values at that table's observations (the actor is kept), so every
    action there is optimistic again and gets tried: a reply the follower is sure of but never
    tested cannot hide."""
    contexts = iterated.context(leader_table)
    copy = deepcopy(learner)
    if afresh:
        _forget(copy, iterated.follower_observation(np.arange(iterated.n_states), contexts[0]))
    tuned = for_updates(config, iterated, iterations)
    return train_critic(copy, iterated, tuned, rng, on_episodes, contexts)


def _forget(learner: ActorCritic, observations: np.ndarray) -> None:
    """Drop what the critic learned at ``observations``: their replayed transitions, counts and
    values."""
    learner.replay = learner.replay[:, ~np.isin(learner.replay[0], observations)]
    learner.tried[observations] = 0
    learner.q[:, observations] = 0.0
