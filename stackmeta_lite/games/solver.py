"""Exact Stackelberg solutions of the iterated game over memory-1 leader tables (the one-shot
game's are in ``one_shot``).

The leader commits to a deterministic memory-1 table (the paper's queries fix exactly that). The
follower best-responds within one of two classes:

- ``"stationary"``: a memory-1 table, what the paper's follower can express. Its best response is
  found by enumerating all follower tables, so the game must be small (2x2, 2x3, 3x2, ...).
- ``"time_aware"``: a policy of (step, state), the best response by backward induction.

Ties among the follower's best responses are broken for the leader (``"strong"``) or against it
(``"weak"``). Episode returns are raw (1..4 scale for the canonical games); ``per_step`` divides
by the horizon and ``centred`` subtracts ``game.offset`` per step.

Numerics are offset- and scale-free: two returns count as tied when they differ by less than
``tie_tolerance``, a fraction of the payoff range (max minus min), so adding a constant to a
player's payoffs or multiplying them by a positive factor gives the same tables, and the value moves
with them; while episode returns are exact in float64 (say integer multiples of a power of two below
2**53 of them), the solution is the exact one. Games whose episode returns could overflow float64,
and problems whose arrays would exceed ``MAX_SOLVER_BYTES``, are refused with the limit named before
any allocation. Remaining ties go to the lowest index, in table code order; the browser panels
(``stackmeta_lite/display/panels.js``) port this rule exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from stackmeta_lite.common.validation import check_choice, check_integer
from stackmeta_lite.games.batched import play_tables
from stackmeta_lite.games.iterated import IteratedGame, check_iterated, expected_returns
from stackmeta_lite.games.ties import TIE_RULES, TieRule, first_best, pick_reply, tie_tolerance

FollowerClass = Literal["stationary", "time_aware"]
FOLLOWER_CLASSES: tuple[str, ...] = ("stationary", "time_aware")
MAX_SOLVER_BYTES = 2**30
"""Largest working memory (bytes, estimated before allocating) the exact solver may use: 1 GiB."""
GAP_TOLERANCE = 1e-6
"""A follower best-responds (is exact) when its best-response gap is at most this, raw follower
payoff per step: the one exactness threshold of the package."""
_MAX_RETURN = np.finfo(float).max / 8  # episode returns and their differences stay finite


def check_solvable(iterated: IteratedGame, n_leader_tables: int, follower_class: str) -> None:
    """Refuse, before allocating, a game whose episode returns could overflow float64 or whose
    solution needs more than ``MAX_SOLVER_BYTES``; the message names the limit."""
    game, horizon = check_iterated(iterated).game, iterated.horizon
    # Python ints: numpy integers would overflow below.
    n_leader_tables = check_integer("n_leader_tables", n_leader_tables, low=1)
    magnitude = max(np.abs(game.leader_payoffs).max(), np.abs(game.follower_payoffs).max())
    if magnitude > _MAX_RETURN / horizon:
        raise ValueError(
            f"payoffs as large as {magnitude:.3g} over a horizon of {horizon} steps would overflow "
            f"float64 episode returns; |payoff| x horizon must stay below {_MAX_RETURN:.3g}: "
            "rescale the payoffs"
        )
    n_states, m = iterated.n_states, iterated.n_follower_actions
    if follower_class == "stationary":
        pairs = n_leader_tables * m**n_states
        # play_tables keeps 6 (pairs, horizon) arrays and 2 (pairs, states) tables of 8 bytes.
        needed = pairs * 8 * (6 * horizon + 2 * n_states)
        what = f"{n_leader_tables} x {m}**{n_states} (leader, follower) table pairs"
    else:
        # a (tables, horizon, states) policy and about 10 (tables, states, actions) temporaries.
        needed = n_leader_tables * 8 * (horizon * n_states + 10 * n_states * m)
        what = f"{n_leader_tables} leader tables x {horizon} steps x {n_states} states"
    if needed > MAX_SOLVER_BYTES:
        raise ValueError(
            f"the {follower_class.replace('_', '-')} solver of a "
            f"{game.n_leader_actions}x{m} game at horizon {horizon} would need about "
            f"{needed / 2**20:,.0f} MiB for {what}; the limit is MAX_SOLVER_BYTES = "
            f"{MAX_SOLVER_BYTES / 2**20:,.0f} MiB: use a smaller game or horizon"
        )


def check_measurable(iterated: IteratedGame, what: str) -> None:
    """Refuse, before any training, a game too large for ``what`` (a run, pre-training), which
    measures against the exact stationary best response to every leader table; the message
    names the game, its size and the limit (``check_solvable``)."""
    try:
        check_solvable(iterated, iterated.n_contexts, "stationary")
    except ValueError as error:
        raise ValueError(
            f"{what} on {iterated.game.name!r} measures the exact stationary best responses to "
            f"all {iterated.n_contexts:,} leader tables, which do not fit: {error}"
        ) from None


@dataclass(frozen=True)
class StackelbergSolution:
    """An optimal leader table, a follower best response and their values (raw episode returns)."""

    game: str
    horizon: int
    follower_class: str
    ties: str
    leader_table: tuple[int, ...]
    follower_policy: np.ndarray  # (n_states,) stationary table or (horizon, n_states) time-aware
    leader_return: float
    follower_return: float
    offset: float

    @property
    def per_step(self) -> float:
        """Leader value per step on the raw (1..4) scale."""
        return self.leader_return / self.horizon

    @property
    def centred(self) -> float:
        """Leader value per episode on the centred scale (raw minus offset each step)."""
        return self.leader_return - self.offset * self.horizon

    @property
    def follower_per_step(self) -> float:
        return self.follower_return / self.horizon


def stationary_returns(
    iterated: IteratedGame, leader_tables: np.ndarray, *, check_input: bool = True
):
    """Raw episode returns (leader, follower) of each leader table (L, S) against every
    follower table, as two (L, m**S) arrays, with the follower tables (m**S, S);
    ``check_input=False`` skips the check of tables already checked by the caller."""
    if check_input:
        leader_tables = check_iterated(iterated).check_leader_tables(np.atleast_2d(leader_tables))
    check_solvable(iterated, len(leader_tables), "stationary")
    follower_tables = iterated.follower_tables()
    n_leader = len(leader_tables)
    leader = np.repeat(leader_tables, len(follower_tables), axis=0)
    follower = np.tile(follower_tables, (n_leader, 1))
    episode = play_tables(iterated, leader, follower, check_input=False)
    shape = (n_leader, len(follower_tables))
    return (
        episode["leader_rewards"].sum(axis=1).reshape(shape),
        episode["follower_rewards"].sum(axis=1).reshape(shape),
        follower_tables,
    )


def _stationary_responses(iterated: IteratedGame, leader_tables: np.ndarray, ties: str):
    leader_values, follower_values, follower_tables = stationary_returns(
        iterated, leader_tables, check_input=False
    )
    choice = pick_reply(leader_values, follower_values, ties, iterated.game, iterated.horizon)
    rows = np.arange(len(leader_tables))
    return (
        follower_tables[choice],
        leader_values[rows, choice],
        follower_values[rows, choice],
    )


def _time_aware_responses(iterated: IteratedGame, leader_tables: np.ndarray, ties: str):
    check_solvable(iterated, len(leader_tables), "time_aware")
    n_tables, n_states = leader_tables.shape
    rows = np.arange(n_tables)[:, None]
    value_follower = np.zeros((n_tables, n_states))
    value_leader = np.zeros((n_tables, n_states))
    policy = np.empty((n_tables, iterated.horizon, n_states), dtype=np.int64)
    actions = np.arange(iterated.n_follower_actions)
    for t in reversed(range(iterated.horizon)):
        follower_action = actions[None, None, :]
        leader_action = leader_tables[:, :, None]
        r_leader, r_follower = iterated.rewards(leader_action, follower_action, centred=False)
        nxt = iterated.next_state(leader_action, follower_action)
        q_follower = r_follower + value_follower[rows[..., None], nxt]
        q_leader = r_leader + value_leader[rows[..., None], nxt]
        choice = pick_reply(q_leader, q_follower, ties, iterated.game, iterated.horizon)
        policy[:, t] = choice
        value_follower = np.take_along_axis(q_follower, choice[..., None], -1)[..., 0]
        value_leader = np.take_along_axis(q_leader, choice[..., None], -1)[..., 0]
    return policy, value_leader[:, 0], value_follower[:, 0]


def best_responses(
    iterated: IteratedGame,
    leader_tables: np.ndarray,
    follower_class: FollowerClass = "stationary",
    ties: TieRule = "strong",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Follower best responses to leader tables (L, S): (policies, leader returns, follower
    returns), returns raw per episode. Policies are (L, S) tables or (L, horizon, S)."""
    check_iterated(iterated)
    check_choice("follower class", follower_class, FOLLOWER_CLASSES)
    check_choice("tie rule", ties, TIE_RULES)
    tables = iterated.check_leader_tables(np.atleast_2d(leader_tables))
    return _best_responses(iterated, tables, follower_class, ties)


def _best_responses(iterated: IteratedGame, tables: np.ndarray, follower_class: str, ties: str):
    """``best_responses`` on checked int tables (L, S) and checked choices."""
    if follower_class == "stationary":
        return _stationary_responses(iterated, tables, ties)
    return _time_aware_responses(iterated, tables, ties)


def solve_iterated(
    iterated: IteratedGame,
    follower_class: FollowerClass = "stationary",
    ties: TieRule = "strong",
) -> StackelbergSolution:
    """The exact Stackelberg solution over all deterministic memory-1 leader tables."""
    check_iterated(iterated)
    check_choice("follower class", follower_class, FOLLOWER_CLASSES)
    check_choice("tie rule", ties, TIE_RULES)
    check_solvable(iterated, iterated.n_contexts, follower_class)  # before listing the tables
    tables = iterated.leader_tables()  # every table, valid by construction
    policies, leader_values, follower_values = _best_responses(
        iterated, tables, follower_class, ties
    )
    # The best table; tables within the leader's tie tolerance of it go to the lowest code.
    best = int(
        first_best(leader_values, tie_tolerance(iterated.game.leader_payoffs, iterated.horizon))
    )
    return StackelbergSolution(
        game=iterated.game.name,
        horizon=iterated.horizon,
        follower_class=follower_class,
        ties=ties,
        leader_table=tuple(int(a) for a in tables[best]),
        follower_policy=policies[best],
        leader_return=float(leader_values[best]),
        follower_return=float(follower_values[best]),
        offset=iterated.game.offset,
    )


def best_response_gap(
    iterated: IteratedGame,
    leader_tables: np.ndarray,
    follower_policies: np.ndarray,
    follower_class: FollowerClass = "stationary",
) -> np.ndarray:
    """Best achievable follower return minus the return of ``follower_policies`` (B, S, m
    probabilities or B, S tables) against leader tables (B, S); raw per episode, >= 0.
    The inputs are checked once, here."""
    check_iterated(iterated)
    check_choice("follower class", follower_class, FOLLOWER_CLASSES)
    tables = iterated.check_leader_tables(np.atleast_2d(leader_tables))
    policies = np.asarray(follower_policies)
    if policies.ndim < 3:  # deterministic tables, not probabilities
        table = iterated.check_follower_tables(np.atleast_2d(policies))
        policies = np.eye(iterated.n_follower_actions)[table]
    policies = iterated.check_follower_policies(policies, len(tables))
    _, actual = expected_returns(iterated, tables, policies, check_input=False)
    _, _, best = _best_responses(iterated, tables, follower_class, "strong")
    return best - actual
