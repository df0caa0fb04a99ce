"""The reply search (a reference follower, ``search_ppo``; not the paper's learner): per context,
a systematic search over stationary replies that keeps the best return seen.

Against a deterministic leader table a deterministic stationary reply plays one fixed trajectory,
so one episode gives its exact return, and every reply that agrees with it on the states the
episode visited has the same return. The search is finished for a context once every reply's
return is known: its best reply is then an exact best response. It is an exhaustive reference,
exact for small games, whose cost grows as the number of replies per context
(``n_follower_actions ** n_states``); it is not a learned policy that generalises across leaders.
Returns are raw episode sums (1..4 per step for the canonical games).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stackmeta_lite.common.validation import check_positive_int, check_table_size
from stackmeta_lite.games.batched import play_tables
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.method.followers.base import (
    Follower,
    OnEpisodes,
    greedy_from_replies,
    own_reply,
    reply_codes,
)


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
        replies = iterated.n_follower_actions**iterated.n_states
        check_table_size(  # grows as m**S per context: 26 GiB for 3x3
            f"the reply search's returns table ({iterated.n_contexts:,} contexts x {replies:,} "
            f"replies of a {iterated.game.leader_payoffs.shape} game)",
            iterated.n_contexts * replies,
        )
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
        same_path = _same_path(self.replies, follower_tables, episode["states"])
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


def _same_path(replies: np.ndarray, played: np.ndarray, states: np.ndarray) -> np.ndarray:
    """(B, R): which of the ``replies`` (R, S) agree with each played reply (B, S) on the states
    its episode visited (B, horizon), and so have the same return."""
    visited = np.zeros(played.shape, dtype=bool)
    np.put_along_axis(visited, states, True, axis=1)
    return ((replies[None] == played[:, None]) | ~visited[:, None]).all(-1)


def search_episodes(iterated: IteratedGame, leader_table: np.ndarray) -> int:
    """Episodes the reply search plays to finish one context (leader table (S,)), in its order
    (the first reply whose return is unknown): its cost per context, measurable one context at
    a time where the whole search does not fit (3x3: 59,049 contexts x 59,049 replies)."""
    leader = iterated.check_leader_tables(np.atleast_2d(leader_table))
    replies = iterated.follower_tables()
    known = np.zeros(len(replies), dtype=bool)
    episodes = 0
    while not known.all():
        reply = replies[known.argmin()][None]
        states = play_tables(iterated, leader, reply, check_input=False)["states"]
        known |= _same_path(replies, reply, states)[0]
        episodes += 1
    return episodes


def train_search(
    search: ReplySearch,
    iterated: IteratedGame,
    config: SearchConfig,
    rng: np.random.Generator,
    on_episodes: OnEpisodes | None = None,
) -> ReplySearch:
    """Search replies against leader tables drawn in shuffled rounds over the contexts whose
    search is unfinished, until all are finished or the step budget is spent."""
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


def search_improvement(
    follower: Follower,
    iterated: IteratedGame,
    leader_table: np.ndarray,
    iterations: int,
    on_episodes: OnEpisodes,
) -> float:
    """Verification of a follower that is not a gradient policy: the best return (raw, per
    episode) a fresh reply search finds on one frozen leader table (1, S) within ``iterations``
    episodes, minus the return of the follower's own reply, which it plays first."""
    search = ReplySearch(iterated)
    context = iterated.context(leader_table)
    own = reply_codes(iterated, own_reply(follower, iterated, context[0])[None])
    own_return = search.play(context, own)[0]
    played = 1
    while played < iterations and not search.finished()[context[0]]:
        search.play(context, search.next_replies(context))
        played += 1
    on_episodes(played)
    return float(np.nanmax(search.returns[context[0]]) - own_return)
