"""Exact Stackelberg commitments of the one-shot bimatrix game: the follower's reply to a mixed
leader strategy, the best pure and mixed commitments, and the pure Nash equilibria."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from stackmeta_lite.common.validation import check_choice
from stackmeta_lite.games.bimatrix import BimatrixGame, check_game
from stackmeta_lite.games.ties import TIE_RULES, TieRule, first_best, pick_reply, tie_tolerance


@dataclass(frozen=True)
class OneShotCommitment:
    """A leader commitment (probabilities over its actions), the follower's reply and payoffs."""

    leader_strategy: np.ndarray
    follower_action: int
    leader_payoff: float
    follower_payoff: float


def follower_reply(
    game: BimatrixGame, leader_strategy: np.ndarray, ties: TieRule = "strong"
) -> OneShotCommitment:
    """The follower's best reply in the one-shot game to a leader commitment (probabilities over
    the leader's actions), ties within ``tie_tolerance`` broken for (strong) or against (weak)
    the leader, with both expected payoffs (raw)."""
    check_choice("tie rule", ties, TIE_RULES)
    check_game(game)
    strategy = np.asarray(leader_strategy)
    n = game.n_leader_actions
    if (
        strategy.dtype.kind not in "iuf"  # no strings, booleans, complex or objects
        or strategy.shape != (n,)
        or not np.all(np.isfinite(strategy))
        or strategy.min() < 0
        or abs(strategy.sum() - 1) > 1e-9
    ):
        raise ValueError(
            f"leader strategy must have {n} probabilities in [0, 1] summing to 1, "
            f"got {leader_strategy!r}"
        )
    strategy = strategy.astype(float)
    leader, follower = strategy @ game.leader_payoffs, strategy @ game.follower_payoffs
    reply = int(pick_reply(leader, follower, ties, game))
    return OneShotCommitment(strategy, reply, float(leader[reply]), float(follower[reply]))


def pure_stackelberg(game: BimatrixGame, ties: TieRule = "strong") -> OneShotCommitment:
    """Stackelberg equilibrium of the one-shot game with pure leader commitment."""
    check_game(game)
    replies = [follower_reply(game, row, ties) for row in np.eye(game.n_leader_actions)]
    payoffs = np.array([reply.leader_payoff for reply in replies])
    return replies[int(first_best(payoffs, tie_tolerance(game.leader_payoffs)))]


def mixed_stackelberg(game: BimatrixGame) -> OneShotCommitment:
    """Strong Stackelberg equilibrium with mixed commitment: one linear program per follower
    action (Conitzer and Sandholm 2006), keeping the best feasible one."""
    check_game(game)
    best: OneShotCommitment | None = None
    n_rows = game.n_leader_actions
    # The LP's tolerances are absolute: solve on payoffs moved to [0, 1] (same optimum).
    leader, follower = (_unit_scale(game.leader_payoffs), _unit_scale(game.follower_payoffs))
    tolerance = tie_tolerance(game.leader_payoffs)
    for b in range(game.n_follower_actions):
        # Follower must weakly prefer b: x . (F[:, b'] - F[:, b]) <= 0 for every b'.
        constraints = (follower - follower[:, [b]]).T
        result = linprog(
            -leader[:, b],
            A_ub=constraints,
            b_ub=np.zeros(game.n_follower_actions),
            A_eq=np.ones((1, n_rows)),
            b_eq=[1.0],
            bounds=[(0, 1)] * n_rows,
            method="highs",
        )
        if result.status != 0:
            continue
        strategy = np.clip(result.x, 0, 1) / np.clip(result.x, 0, 1).sum()
        candidate = OneShotCommitment(
            leader_strategy=strategy,
            follower_action=b,
            leader_payoff=float(strategy @ game.leader_payoffs[:, b]),
            follower_payoff=float(strategy @ game.follower_payoffs[:, b]),
        )
        if best is None or candidate.leader_payoff > best.leader_payoff + tolerance:
            best = candidate
    assert best is not None  # some follower action is a best response to every commitment
    return best


def _unit_scale(payoffs: np.ndarray) -> np.ndarray:
    """Payoffs moved and scaled to [0, 1]: the same best replies and commitments."""
    half_range = payoffs.max() / 2 - payoffs.min() / 2  # halves: no overflow at +-1e308
    moved = payoffs / 2 - payoffs.min() / 2
    return moved / half_range if half_range > 0 else moved


def pure_nash_equilibria(game: BimatrixGame) -> list[tuple[int, int]]:
    """All pure Nash equilibria (leader action, follower action) of the one-shot game."""
    check_game(game)
    leader, follower = game.leader_payoffs, game.follower_payoffs
    leader_best = leader >= leader.max(axis=0, keepdims=True) - tie_tolerance(leader)
    follower_best = follower >= follower.max(axis=1, keepdims=True) - tie_tolerance(follower)
    return [tuple(int(i) for i in cell) for cell in np.argwhere(leader_best & follower_best)]
