"""A model-based reference, not a contender: it plays random episodes until it has seen every
joint action's reward once, then plans a best reply to every leader table on the learned payoffs
(by enumeration). It shows where the information limit is."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stackmeta_lite.common.validation import check_positive_int
from stackmeta_lite.games.batched import rollout
from stackmeta_lite.games.bimatrix import BimatrixGame
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.solver import best_responses
from stackmeta_lite.method.followers.base import OnEpisodes, greedy_from_replies, shuffled_rounds


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
    model: ModelFollower,
    iterated: IteratedGame,
    config: ModelConfig,
    rng: np.random.Generator,
    on_episodes: OnEpisodes | None = None,
) -> ModelFollower:
    """Uniformly random follower actions against leader tables in shuffled rounds, one episode
    at a time, until every payoff cell is known or the budget is spent."""
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
