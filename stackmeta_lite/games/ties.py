"""How every exact solution in the package breaks ties: returns within ``tie_tolerance`` (a
fraction of the payoff range, so offset- and scale-free) count as equal; among the follower's
equally good replies the best (``strong``) or worst (``weak``) for the leader wins, then the lowest
index. The browser panels (``stackmeta_lite/display/panels.js``) port these functions."""

from __future__ import annotations

from typing import Literal

import numpy as np

from stackmeta_lite.games.bimatrix import BimatrixGame

TieRule = Literal["strong", "weak"]
TIE_RULES: tuple[str, ...] = ("strong", "weak")
RELATIVE_TOLERANCE = 1e-9
"""Ties: returns closer than this fraction of (payoff range x horizon) count as equal."""


def tie_tolerance(payoffs: np.ndarray, horizon: int = 1) -> float:
    """Raw return difference below which a player's returns over ``horizon`` steps count as tied:
    1e-9 of the range of its payoffs per step. It depends on payoff differences only, so adding a
    constant to all of a player's payoffs leaves it unchanged and scaling them scales it."""
    payoffs = np.asarray(payoffs, dtype=float)
    half_range = payoffs.max() / 2 - payoffs.min() / 2  # halves: no overflow at +-1e308
    return float(horizon * 2 * RELATIVE_TOLERANCE * half_range)


def first_best(values: np.ndarray, tolerance: float, allowed: np.ndarray | None = None):
    """Lowest index along the last axis among the (allowed) values within ``tolerance`` of the
    largest allowed value."""
    allowed = np.ones(np.shape(values), bool) if allowed is None else allowed
    best = np.where(allowed, values, -np.inf).max(axis=-1, keepdims=True)
    return (allowed & (values >= best - tolerance)).argmax(axis=-1)


def pick_reply(leader_values, follower_values, ties: str, game: BimatrixGame, horizon: int = 1):
    """Index along the last axis of the follower's best response: among the replies within the
    follower's tolerance of its best, the best (``strong``) or worst (``weak``) for the leader,
    within the leader's tolerance, and then the lowest index."""
    best = follower_values.max(axis=-1, keepdims=True)
    optimal = follower_values >= best - tie_tolerance(game.follower_payoffs, horizon)
    sign = 1.0 if ties == "strong" else -1.0
    return first_best(sign * leader_values, tie_tolerance(game.leader_payoffs, horizon), optimal)
