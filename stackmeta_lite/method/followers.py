"""Follower learners for meta pre-training: each learns, from sampled episodes only, a contextual
reply to every leader table, and exposes it as a greedy table over (state, context) observations.

- ``ReplySearch`` (the default): per context, a systematic search over stationary replies that
  keeps the best return seen. Against a deterministic leader table a deterministic stationary reply
  plays one fixed trajectory, so one episode gives its exact return, and every reply that agrees
  with it on the states the episode visited has the same return. The search is finished for a
  context once every reply's return is known: its best reply is then an exact best response.
- ``GradientFollower``: the paper's REINFORCE on a table of logits, made as good as we could:
  undiscounted returns-to-go, a running-mean baseline per (context, step), small batches and an
  entropy bonus annealed to zero.
- ``ModelFollower``: a model-based reference, not a contender. It plays random episodes until it
  has seen every joint action's reward once, then plans a best reply to every leader table on the
  learned payoffs. It shows where the information limit is.

All three share one objective, the undiscounted (gamma 1) episode return of a stationary reply,
which is the definition of best response the exact checks use. Leader tables during pre-training
come in shuffled rounds over all tables (every table once per round, in random order), so each
context gets the same share of episodes. Returns are raw episode sums (1..4 per step for the
canonical games). The learners call ``on_episodes(n)`` after every ``n`` episodes they play, so
the caller can count env steps and record curves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import torch

from stackmeta_lite.common.validation import check_choice, check_positive_int, check_range
from stackmeta_lite.games.batched import play_tables, rollout
from stackmeta_lite.games.bimatrix import BimatrixGame
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.solver import best_responses
from stackmeta_lite.learners.pg import pg_update, returns_to_go
from stackmeta_lite.learners.policy import CategoricalPolicy, sample_actions

OPTIMIZERS = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}
OnEpisodes = Callable[[int], None]
"""``on_episodes(n)``: called after the learner played ``n`` more episodes."""


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


# --- the default: systematic search over stationary replies ---------------------------------


@dataclass(frozen=True)
class SearchConfig:
    """Reply search: ``episodes_per_batch`` episodes between progress reports, and an optional
    budget ``max_steps`` (paper convention, 15 per 2x2 episode); None searches until every
    context is finished (the learner's own stopping signal)."""

    episodes_per_batch: int = 8
    max_steps: int | None = None

    def __post_init__(self) -> None:
        check_positive_int("episodes_per_batch", self.episodes_per_batch)
        if self.max_steps is not None:
            check_positive_int("max_steps", self.max_steps)


class ReplySearch:
    """Per context, the return of every stationary reply learned so far (NaN: not yet known)."""

    def __init__(self, iterated: IteratedGame) -> None:
        self.iterated = iterated
        self.replies = iterated.follower_tables()
        self.returns = np.full((iterated.n_contexts, len(self.replies)), np.nan)
        shape = (iterated.n_leader_actions, iterated.n_follower_actions)
        self.cell_rewards = np.full(shape, np.nan)  # follower reward of each joint action seen

    def finished(self) -> np.ndarray:
        """Per context: True once every reply's return is known."""
        return ~np.isnan(self.returns).any(axis=1)

    def next_replies(self, contexts: np.ndarray) -> np.ndarray:
        """The first reply whose return is still unknown, per context (0 when finished)."""
        return np.isnan(self.returns[contexts]).argmax(axis=1)

    def play(self, contexts: np.ndarray, replies: np.ndarray) -> np.ndarray:
        """Play one episode of each reply index against its context's leader table; learn the
        return of every reply that agrees with it on the visited states. Returns the returns."""
        follower_tables = self.replies[replies]
        episode = play_tables(self.iterated, self.iterated.leader_tables(contexts), follower_tables)
        returns = episode["follower_rewards"].sum(axis=1)
        cells = (episode["leader_actions"], episode["follower_actions"])
        self.cell_rewards[cells] = episode["follower_rewards"]
        visited = np.zeros(follower_tables.shape, dtype=bool)
        np.put_along_axis(visited, episode["states"], True, axis=1)
        same_path = ((self.replies[None] == follower_tables[:, None]) | ~visited[:, None]).all(-1)
        for context, matches, value in zip(contexts, same_path, returns, strict=True):
            self.returns[context, matches] = value
        return returns

    def best_replies(self) -> np.ndarray:
        """Per context, the reply with the best known return. Among equally good replies (they
        differ only in states the leader's table never leads to, say) the one whose actions are
        the best immediate replies, by the rewards seen so far, to the leader's answer in each
        state. That choice matters only when a leader deviates from its answers, as the
        step-wise leader does while it explores (see benchmarks/tune_leader.py)."""
        known = np.where(np.isnan(self.returns), -np.inf, self.returns)
        best = known >= known.max(axis=1, keepdims=True)
        answers = self.iterated.leader_tables()  # (contexts, S)
        immediate = np.nan_to_num(self.cell_rewards)[answers[:, None, :], self.replies[None]]
        return np.where(best, immediate.sum(axis=2), -np.inf).argmax(axis=1)

    def greedy(self) -> np.ndarray:
        """The greedy table over observations, shape (n_follower_observations,)."""
        return greedy_from_replies(self.iterated, self.replies[self.best_replies()])


def train_search(
    iterated: IteratedGame,
    config: SearchConfig,
    rng: np.random.Generator,
    on_episodes: OnEpisodes | None = None,
    search: ReplySearch | None = None,
) -> ReplySearch:
    """Search replies (continuing ``search`` if given) against leader tables drawn in shuffled
    rounds over the contexts whose search is unfinished, until all are finished or the step
    budget is spent."""
    search = ReplySearch(iterated) if search is None else search
    per_episode = iterated.steps_per_episode(with_queries=True)
    budget = np.inf if config.max_steps is None else config.max_steps // per_episode
    played = 0
    queue: list[int] = []
    while played < budget:
        queue = [c for c in queue if not search.finished()[c]]
        if not queue:
            queue = list(rng.permutation(np.flatnonzero(~search.finished())))
            if not queue:
                break
        size = int(min(config.episodes_per_batch, len(queue), budget - played))
        contexts, queue = np.array(queue[:size]), queue[size:]
        search.play(contexts, search.next_replies(contexts))
        played += size
        if on_episodes is not None:
            on_episodes(size)
    return search


# --- the paper's gradient learner, tuned --------------------------------------------------------


@dataclass(frozen=True)
class GradientConfig:
    """Tabular REINFORCE for the contextual follower: Adam step ``lr``, ``episodes_per_batch``
    episodes per update, ``max_steps`` budget (paper convention), a running-mean baseline per
    (context, step) with step size ``baseline_rate`` and an entropy bonus that falls linearly from
    ``entropy_start`` to 0 over the budget. Returns-to-go are undiscounted (gamma 1)."""

    lr: float = 0.01
    optimizer: str = "adam"  # "adam" or "sgd" (plain gradient steps on the logits)
    episodes_per_batch: int = 2
    max_steps: int = 40_000
    baseline_rate: float = 0.1
    entropy_start: float = 0.01

    def __post_init__(self) -> None:
        check_range("lr", self.lr, 0.0, low_open=True)
        check_choice("optimizer", self.optimizer, tuple(OPTIMIZERS))
        check_positive_int("episodes_per_batch", self.episodes_per_batch)
        check_positive_int("max_steps", self.max_steps)
        check_range("baseline_rate", self.baseline_rate, 0.0, 1.0, low_open=True)
        check_range("entropy_start", self.entropy_start, 0.0)


def train_gradient(
    iterated: IteratedGame,
    config: GradientConfig,
    rng: np.random.Generator,
    on_episodes: OnEpisodes | None = None,
    policy: CategoricalPolicy | None = None,
    contexts: np.ndarray | None = None,
) -> CategoricalPolicy:
    """Train (or, given ``policy``, fine-tune) a table policy by REINFORCE against leader tables
    in shuffled rounds over ``contexts`` (default: all)."""
    if policy is None:
        policy = CategoricalPolicy(iterated.n_follower_observations, iterated.n_follower_actions)
    contexts = np.arange(iterated.n_contexts) if contexts is None else np.asarray(contexts)
    leaders = shuffled_rounds(contexts, rng)
    optimizer = OPTIMIZERS[config.optimizer](policy.parameters(), lr=config.lr)
    baseline = np.zeros((iterated.n_contexts, iterated.horizon))
    per_batch = config.episodes_per_batch * iterated.steps_per_episode(with_queries=True)
    updates = max(1, config.max_steps // per_batch)
    for update in range(updates):
        batch = np.array([next(leaders) for _ in range(config.episodes_per_batch)])
        probabilities = policy.probabilities()
        episode = rollout(
            iterated,
            iterated.leader_tables(batch),
            lambda _t, _s, obs, p=probabilities: sample_actions(p[obs], rng),
        )
        # Undiscounted returns-to-go, minus a running mean per (context, step).
        returns = returns_to_go(torch.as_tensor(episode["follower_rewards"]), 1.0).numpy()
        advantages = returns - baseline[batch]
        np.add.at(baseline, batch, config.baseline_rate * advantages)
        pg_update(
            policy,
            optimizer,
            torch.as_tensor(episode["observations"]),
            torch.as_tensor(episode["follower_actions"]),
            torch.as_tensor(advantages),
            entropy_coef=config.entropy_start * (1 - update / updates),
        )
        if on_episodes is not None:
            on_episodes(config.episodes_per_batch)
    return policy


# --- the model-based reference ----------------------------------------------------------------


@dataclass(frozen=True)
class ModelConfig:
    """Model-based reference: random episodes until every joint action's reward is seen."""

    max_steps: int = 15_000

    def __post_init__(self) -> None:
        check_positive_int("max_steps", self.max_steps)


class ModelFollower:
    """Follower payoffs learned cell by cell from episodes, and the replies planned on them."""

    def __init__(self, iterated: IteratedGame) -> None:
        self.iterated = iterated
        shape = (iterated.n_leader_actions, iterated.n_follower_actions)
        self.payoffs = np.full(shape, np.nan)

    def observe(self, episode: dict[str, np.ndarray]) -> None:
        """Record the follower's reward of every joint action the episode played."""
        cells = (episode["leader_actions"], episode["follower_actions"])
        self.payoffs[cells] = episode["follower_rewards"]

    def greedy(self) -> np.ndarray:
        """Best stationary replies to every leader table on the learned payoffs (unknown cells
        count as 0), planned by enumeration, as a table over observations."""
        learned = np.nan_to_num(self.payoffs)
        model = BimatrixGame(np.zeros_like(learned), learned, name="learned model")
        iterated = IteratedGame(model, self.iterated.horizon)
        replies, _, _ = best_responses(iterated, iterated.leader_tables())
        return greedy_from_replies(self.iterated, replies)


def train_model(
    iterated: IteratedGame,
    config: ModelConfig,
    rng: np.random.Generator,
    on_episodes: OnEpisodes | None = None,
    model: ModelFollower | None = None,
) -> ModelFollower:
    """Uniformly random follower actions against leader tables in shuffled rounds, one episode
    at a time, until every payoff cell is known or the budget is spent."""
    model = ModelFollower(iterated) if model is None else model
    leaders = shuffled_rounds(np.arange(iterated.n_contexts), rng)
    per_episode = iterated.steps_per_episode(with_queries=True)
    for _ in range(max(1, config.max_steps // per_episode)):
        if not np.isnan(model.payoffs).any():
            break
        episode = rollout(
            iterated,
            iterated.leader_tables(np.array([next(leaders)])),
            lambda _t, states, _o: rng.integers(0, iterated.n_follower_actions, len(states)),
        )
        model.observe(episode)
        if on_episodes is not None:
            on_episodes(1)
    return model
