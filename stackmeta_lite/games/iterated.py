"""The iterated bimatrix game with one-step memory, as the paper and its code define it.

An episode has ``horizon`` steps (10 in the paper). State 0 is the first step; afterwards the state
is ``1 + a_leader + n * a_follower`` with ``n`` leader actions, so a 2x2 game has the 5 states
0 (start), 1 (C,C), 2 (D,C), 3 (C,D) and 4 (D,D). A *leader table* gives the leader's action in
every state. It is also the leader's answers to the paper's queries, and its base-``n`` code is
the context ``omega`` the follower observes next to its state: ``5 x 32 = 160`` observations
for 2x2.

Scales: *raw* rewards are the game's payoffs (1..4 for the canonical games); *centred* rewards
subtract ``game.offset`` (2.5 for the canonical games), as in training in the paper.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from stackmeta_lite.common.validation import (
    check_action_array,
    check_bool,
    check_integer,
    check_table_size,
    check_type,
)
from stackmeta_lite.games.bimatrix import BimatrixGame, make_game

PROBABILITY_TOLERANCE = 1e-6
"""How far a follower's action probabilities in a state may sum from 1 (float32 softmax: ~1e-7)."""


@dataclass(frozen=True)
class IteratedGame:
    """Dynamics of a bimatrix game repeated ``horizon`` times with one-step memory."""

    game: BimatrixGame
    horizon: int = 10

    def __post_init__(self) -> None:
        if isinstance(self.game, str):
            object.__setattr__(self, "game", make_game(self.game))
        if not isinstance(self.game, BimatrixGame):
            raise ValueError(
                f"game must be a BimatrixGame or a game's name, got {self.game!r} "
                f"({type(self.game).__name__})"
            )
        # A Python int: numpy integers overflow silently in the memory estimates.
        object.__setattr__(self, "horizon", check_integer("horizon", self.horizon, low=1))
        if self.n_contexts > 2**31:
            raise ValueError(
                f"a {self.game.leader_payoffs.shape} game has {self.n_contexts} leader tables; "
                "at most 2**31 fit the query context"
            )

    @property
    def n_leader_actions(self) -> int:
        return self.game.n_leader_actions

    @property
    def n_follower_actions(self) -> int:
        return self.game.n_follower_actions

    @property
    def n_states(self) -> int:
        """Number of memory-1 states: the start state plus one per joint action."""
        return 1 + self.n_leader_actions * self.n_follower_actions

    @property
    def n_contexts(self) -> int:
        """Number of deterministic leader tables, i.e. of query contexts omega."""
        return self.n_leader_actions**self.n_states

    @property
    def n_follower_observations(self) -> int:
        """Size of the follower's (state, context) observation space: 160 for a 2x2 game."""
        return self.n_states * self.n_contexts

    def steps_per_episode(self, with_queries: bool) -> int:
        """Env steps of one episode: 15 for the paper's convention (5 queries), 10 without."""
        return self.horizon + (self.n_states if check_bool("with_queries", with_queries) else 0)

    def next_state(self, leader_action: np.ndarray, follower_action: np.ndarray) -> np.ndarray:
        """Memory-1 state after a joint action (works elementwise on arrays)."""
        return 1 + leader_action + self.n_leader_actions * follower_action

    def rewards(self, leader_action: np.ndarray, follower_action: np.ndarray, centred: bool):
        """(leader, follower) rewards of a joint action, raw or centred."""
        leader, follower = self.game.payoffs(leader_action, follower_action)
        if check_bool("centred", centred):
            return leader - self.game.offset, follower - self.game.offset
        return leader, follower

    def check_leader_tables(self, tables: np.ndarray) -> np.ndarray:
        """``tables`` as an int64 array of shape (..., n_states) with actions in [0, n), or a
        clear error; integer dtypes only (``validation.check_action_array``: no float, no bool)."""
        return self._check_tables(tables, self.n_leader_actions, "leader")

    def check_follower_tables(self, tables: np.ndarray) -> np.ndarray:
        """``tables`` as an int64 array of shape (..., n_states) with actions in [0, m), or a
        clear error; integer dtypes only, as ``check_leader_tables``."""
        return self._check_tables(tables, self.n_follower_actions, "follower")

    def check_follower_policies(self, policies: np.ndarray, batch: int) -> np.ndarray:
        """Stationary stochastic follower policies (batch, S, m) as float64: in every state
        finite probabilities >= 0 that sum to 1 (within ``PROBABILITY_TOLERANCE``), or an error."""
        policies = np.asarray(policies)
        shape = (batch, self.n_states, self.n_follower_actions)
        if policies.shape != shape:
            raise ValueError(
                f"follower policies must have shape (B, S, m) = {shape}, got {policies.shape}"
            )
        if policies.dtype.kind not in "fiu":  # float, int, unsigned: no bool, complex, object
            raise ValueError(f"follower policies must be probabilities, got dtype {policies.dtype}")
        policies = policies.astype(float, copy=False)
        with np.errstate(invalid="ignore"):  # NaN compares False: flagged below
            valid = np.isfinite(policies).all(-1) & (policies >= 0).all(-1)
            valid &= np.abs(policies.sum(-1) - 1) <= PROBABILITY_TOLERANCE
        if not valid.all():
            episode, state = np.argwhere(~valid)[0]
            raise ValueError(
                f"follower policies must hold probabilities in [0, 1] summing to 1 over the "
                f"{self.n_follower_actions} actions of every state; episode {episode}, state "
                f"{state} has {policies[episode, state].tolist()}"
            )
        return policies

    def _check_tables(self, tables: np.ndarray, count: int, who: str) -> np.ndarray:
        tables = np.asarray(tables)
        if tables.shape[-1:] != (self.n_states,):
            raise ValueError(
                f"a {who} table needs one action per state ({self.n_states}), got shape "
                f"{tables.shape}"
            )
        return check_action_array(who, tables, count, tables.shape)

    def context(self, leader_tables: np.ndarray, *, check_input: bool = True) -> np.ndarray:
        """Context code omega = sum_s table[s] * n**s of leader tables of shape (..., n_states);
        ``check_input=False`` skips the check for tables already checked by the caller."""
        tables = self.check_leader_tables(leader_tables) if check_input else leader_tables
        powers = self.n_leader_actions ** np.arange(self.n_states)
        return tables @ powers

    def leader_tables(self, contexts: np.ndarray | None = None) -> np.ndarray:
        """Leader tables (..., n_states) for context codes; all of them in code order if None."""
        codes = np.arange(self.n_contexts) if contexts is None else np.asarray(contexts)
        if codes.size and (codes.min() < 0 or codes.max() >= self.n_contexts):
            raise ValueError(f"context codes must lie in [0, {self.n_contexts}), got {codes}")
        powers = self.n_leader_actions ** np.arange(self.n_states)
        return (codes[..., None] // powers) % self.n_leader_actions

    def follower_tables(self) -> np.ndarray:
        """Every deterministic stationary follower table, shape (m**S, S), in base-m code order."""
        count = self.n_follower_actions**self.n_states
        check_table_size(
            f"the {count:,} stationary follower tables of a {self.game.leader_payoffs.shape} game",
            count * self.n_states,
        )
        codes = np.arange(count)
        return (codes[:, None] // self.n_follower_actions ** np.arange(self.n_states)) % (
            self.n_follower_actions
        )

    def follower_observation(self, state: np.ndarray, context: np.ndarray) -> np.ndarray:
        """Follower observation index ``state * n_contexts + context`` (in [0, 160) for 2x2)."""
        return state * self.n_contexts + context

    def describe_state(self, state: int) -> str:
        """Human-readable name of a state, e.g. 'start' or '(C, D)'."""
        if not 0 <= state < self.n_states:
            raise ValueError(f"state must lie in [0, {self.n_states}), got {state}")
        if state == 0:
            return "start"
        leader, follower = divmod(state - 1, self.n_leader_actions)[::-1]
        return f"({self.game.leader_actions[leader]}, {self.game.follower_actions[follower]})"


def check_iterated(iterated: object, name: str = "iterated") -> IteratedGame:
    """``iterated`` if it is an ``IteratedGame``, else a ValueError naming it."""
    expected = "an IteratedGame, e.g. IteratedGame(make_game('hero'))"
    return check_type(name, iterated, IteratedGame, expected)


@dataclass
class StepCounter:
    """Env steps in both conventions: ``with_queries`` (the paper's, 15 per 2x2 episode) and
    ``plain`` (10)."""

    with_queries: int = 0
    plain: int = 0

    def add(self, other: StepCounter) -> None:
        """Add another count (e.g. a verification's) to this one."""
        self.with_queries += other.with_queries
        self.plain += other.plain

    def add_episodes(self, iterated: IteratedGame, episodes: int) -> None:
        self.with_queries += episodes * iterated.steps_per_episode(with_queries=True)
        self.plain += episodes * iterated.steps_per_episode(with_queries=False)


def episodes_per_batch(iterated: IteratedGame, batch_steps: int) -> int:
    """Complete episodes that make up at least ``batch_steps`` env steps (paper convention)."""
    return math.ceil(batch_steps / iterated.steps_per_episode(with_queries=True))


def expected_returns(
    iterated: IteratedGame,
    leader_tables: np.ndarray,
    follower_policies: np.ndarray,
    *,
    check_input: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact expected raw episode returns (leader, follower) of leader tables (B, S) against
    stochastic stationary follower policies (B, S, m) of action probabilities (see
    ``check_follower_policies``); ``check_input=False`` skips the checks for arrays already
    checked by the caller."""
    tables, policies = leader_tables, follower_policies
    if check_input:
        tables = iterated.check_leader_tables(leader_tables)
        if tables.ndim != 2:
            raise ValueError(f"leader tables must have shape (B, S), got {tables.shape}")
        policies = iterated.check_follower_policies(follower_policies, len(tables))
    batch, n_states = tables.shape
    rows = np.arange(batch)[:, None]
    dist = np.zeros((batch, n_states))
    dist[:, 0] = 1.0
    leader_return = np.zeros(batch)
    follower_return = np.zeros(batch)
    for _ in range(iterated.horizon):
        new_dist = np.zeros_like(dist)
        for b in range(iterated.n_follower_actions):
            mass = dist * policies[:, :, b]
            r_leader, r_follower = iterated.rewards(tables, b, centred=False)
            leader_return += (mass * r_leader).sum(axis=1)
            follower_return += (mass * r_follower).sum(axis=1)
            np.add.at(
                new_dist,
                (np.broadcast_to(rows, tables.shape), iterated.next_state(tables, b)),
                mass,
            )
        dist = new_dist
    return leader_return, follower_return
