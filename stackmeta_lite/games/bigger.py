"""Games beyond 2x2, where enumerating the follower's replies stops being cheap: four 3x3 games
with a story and seeded random games of any size.

In a 3x3 iterated game with one-step memory there are 10 states, so a leader has 3**10 = 59,049
tables and so does a stationary follower: the exact time-aware solution (backward induction,
vectorised over all leader tables) still takes seconds, but a per-context reply search does not
fit. Payoffs are small integers; each cell is (leader, follower).
"""

from __future__ import annotations

import numpy as np

from stackmeta_lite.common.validation import check_integer, check_positive_int
from stackmeta_lite.games.bimatrix import BimatrixGame


def _game(name: str, cells: list[list[tuple[int, int]]], leader: tuple, follower: tuple):
    array = np.asarray(cells, dtype=float)
    return BimatrixGame(
        array[..., 0],
        array[..., 1],
        name=name,
        leader_actions=leader,
        follower_actions=follower,
    )


RPS = ("rock", "paper", "scissors")

BIGGER_GAMES: dict[str, BimatrixGame] = {
    # Rock-paper-scissors, zero-sum but for the leader's edge: its rock also earns 1 when it ties.
    "rps_edge": _game(
        "rps_edge",
        [
            [(3, 2), (1, 3), (3, 1)],
            [(3, 1), (2, 2), (1, 3)],
            [(1, 3), (3, 1), (2, 2)],
        ],
        RPS,
        RPS,
    ),
    # Three effort levels: matching pays the level, but the leader prefers high and the follower
    # middle; mismatching pays nothing.
    "three_level_coordination": _game(
        "three_level_coordination",
        [
            [(1, 1), (0, 0), (0, 0)],
            [(0, 0), (2, 3), (0, 0)],
            [(0, 0), (0, 0), (3, 2)],
        ],
        ("low", "middle", "high"),
        ("low", "middle", "high"),
    ),
    # An inspector (leader) chooses how often to inspect; a firm (follower) complies or cheats a
    # little or a lot. Inspection costs, catching pays, cheating pays unless caught.
    "inspection": _game(
        "inspection",
        [
            [(4, 2), (1, 4), (0, 5)],
            [(3, 2), (3, 1), (2, 3)],
            [(2, 2), (3, 0), (4, 0)],
        ],
        ("rarely", "sometimes", "always"),
        ("comply", "cheat a little", "cheat a lot"),
    ),
    # A seller (leader) posts a low, middle or high price; a buyer (follower) buys none, one or
    # two units. The seller earns price times units, the buyer its value (4 for the first unit,
    # 2 for the second) minus what it pays.
    "three_price_market": _game(
        "three_price_market",
        [
            [(0, 0), (1, 3), (2, 4)],
            [(0, 0), (2, 2), (4, 2)],
            [(0, 0), (3, 1), (6, 0)],
        ],
        ("price 1", "price 2", "price 3"),
        ("buy none", "buy one", "buy two"),
    ),
}
"""The 3x3 suite, by name."""


def random_game(seed: int, n_leader_actions: int = 3, n_follower_actions: int = 3) -> BimatrixGame:
    """A seeded random game with integer payoffs 1..9, named ``random_<n>x<m>_<seed>``."""
    check_integer("seed", seed, low=0)
    check_positive_int("n_leader_actions", n_leader_actions)
    check_positive_int("n_follower_actions", n_follower_actions)
    rng = np.random.default_rng(seed)
    shape = (n_leader_actions, n_follower_actions)
    name = f"random_{n_leader_actions}x{n_follower_actions}_{seed}"
    return BimatrixGame(rng.integers(1, 10, shape), rng.integers(1, 10, shape), name=name)
