"""Bimatrix games: the 12 canonical 2x2 games, the one-shot Battle of the Sexes, and your own.

Payoff convention, used everywhere in this package: ``leader_payoffs[a, b]`` and
``follower_payoffs[a, b]`` are the rewards when the leader plays row ``a`` and the follower plays
column ``b``. In the canonical games action 0 is C (cooperate) and action 1 is D (defect), payoffs
are ordinal on the 1..4 scale, and every cell is written (leader, follower).

The 12 games, their names and payoffs are those of The Good Shepherd (Balaguer et al. 2022,
"The Good Shepherd: An Oracle Agent for Mechanism Design") as used by Gerstgrasser & Parkes
("Meta-RL for Multi-Agent RL: Learning to Adapt to Evolving Agents") and their released code. That
code spells two names ``mixedharmony`` and ``noconflict``; here every name has underscores
(``mixed_harmony``, ``no_conflict``) and the old spellings are accepted with a warning.
"""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass, field

import numpy as np

from stackmeta_lite.common.validation import check_number, check_type

# (leader, follower) payoffs for the cells CC, CD, DC, DD; the first letter is the leader's action.
_CANONICAL_CELLS: dict[str, tuple[tuple[int, int], ...]] = {
    "prisoners_dilemma": ((3, 3), (1, 4), (4, 1), (2, 2)),
    "stag_hunt": ((4, 4), (1, 3), (3, 1), (2, 2)),
    "assurance": ((4, 4), (1, 2), (2, 1), (3, 3)),
    "coordination": ((4, 4), (2, 1), (1, 2), (3, 3)),
    "mixed_harmony": ((4, 4), (3, 1), (1, 3), (2, 2)),
    "harmony": ((4, 4), (3, 2), (2, 3), (1, 1)),
    "no_conflict": ((4, 4), (2, 3), (3, 2), (1, 1)),
    "deadlock": ((2, 2), (1, 4), (4, 1), (3, 3)),
    "prisoners_delight": ((1, 1), (2, 4), (4, 2), (3, 3)),
    "hero": ((1, 1), (3, 4), (4, 3), (2, 2)),
    "battle": ((2, 2), (3, 4), (4, 3), (1, 1)),
    "chicken": ((3, 3), (2, 4), (4, 2), (1, 1)),
}

CANONICAL_GAMES: tuple[str, ...] = tuple(_CANONICAL_CELLS)
"""Names of the 12 canonical symmetric 2x2 games, in the order of the paper's Figure 1."""

BATTLE_OF_THE_SEXES = "battle_of_the_sexes"
"""Name of the one-shot Battle of the Sexes of the paper's Appendix B."""

KNOWN_GAMES: tuple[str, ...] = (*CANONICAL_GAMES, BATTLE_OF_THE_SEXES)

GAME_ALIASES: dict[str, str] = {"mixedharmony": "mixed_harmony", "noconflict": "no_conflict"}
"""The original code's spellings, accepted with a warning, and the names they stand for."""


def _as_payoff_array(values: object, who: str) -> np.ndarray:
    """``values`` as a read-only 2-D float64 array of finite real numbers, or a ValueError naming
    the first bad entry: no strings, booleans, complex numbers, dates or durations, and no number
    too large for a float (all of which numpy would convert, some with only a warning)."""
    try:
        try:
            raw = np.asarray(values)
        except OverflowError:  # Python ints beyond int64: keep them as they are, checked below
            raw = np.array(values, dtype=object)
    except ValueError as error:  # ragged rows
        raise ValueError(f"{who} payoffs must be a 2-D array of numbers, got {values!r}") from error
    entries = raw.ravel().tolist() if raw.dtype.kind == "O" else raw.ravel()[:1]
    if raw.dtype.kind not in "iuf" and raw.size:
        bad = next(
            (x for x in entries if isinstance(x, bool) or not isinstance(x, numbers.Real)),
            entries[0] if raw.dtype.kind != "O" else None,
        )
        if bad is not None:
            raise ValueError(
                f"{who} payoffs must be a 2-D array of numbers (real: no strings, booleans, "
                f"complex numbers or dates), got {bad!r} ({type(bad).__name__}) in {values!r}"
            )
    with np.errstate(over="ignore"):
        try:
            array = raw.astype(float)
        except OverflowError:  # a Python int beyond float64
            array = np.array([_float_or_inf(x) for x in entries]).reshape(raw.shape)
    if array.ndim != 2 or min(array.shape) < 1:
        raise ValueError(
            f"{who} payoffs must be a 2-D array with at least one row and column, "
            f"got shape {array.shape}"
        )
    bad = np.argwhere(~np.isfinite(array))
    if bad.size:
        row, col = bad[0]
        given = raw[row, col]
        if isinstance(given, int) or np.isfinite(given):  # finite, but beyond float64
            raise ValueError(
                f"{who} payoffs must fit a float64 (|payoff| <= {np.finfo(float).max:.4g}); "
                f"entry [{row}, {col}] is {_short(given)}"
            )
        raise ValueError(f"{who} payoffs must be finite; entry [{row}, {col}] is {array[row, col]}")
    array.setflags(write=False)
    return array


def _short(number: object) -> str:
    text = repr(number)
    return text if len(text) <= 40 else f"{text[:12]}... ({len(text)} characters)"


def _float_or_inf(number: numbers.Real) -> float:
    try:
        return float(number)
    except OverflowError:
        return math.inf if number > 0 else -math.inf


def _action_names(names: tuple[str, ...] | None, count: int, who: str) -> tuple[str, ...]:
    if names is None:
        return tuple(str(i) for i in range(count))
    check_type(f"{who} action names", names, (tuple, list), "a tuple of names, e.g. ('C', 'D')")
    names = tuple(str(name) for name in names)
    if len(names) != count:
        raise ValueError(f"{who} action names {names} must number {count}, one per action")
    return names


@dataclass(frozen=True, eq=False)
class BimatrixGame:
    """A two-player normal-form game between a leader (rows) and a follower (columns).

    ``offset`` is subtracted from every reward to centre it; it defaults to the mean payoff,
    which is 2.5 for every canonical 1..4 game.
    """

    leader_payoffs: np.ndarray
    follower_payoffs: np.ndarray
    name: str = "custom"
    leader_actions: tuple[str, ...] | None = None
    follower_actions: tuple[str, ...] | None = None
    offset: float | None = field(default=None)

    def __post_init__(self) -> None:
        check_type("name", self.name, str, "a string")
        leader = _as_payoff_array(self.leader_payoffs, "leader")
        follower = _as_payoff_array(self.follower_payoffs, "follower")
        if leader.shape != follower.shape:
            raise ValueError(
                f"leader payoffs have shape {leader.shape} but follower payoffs have shape "
                f"{follower.shape}; both must be (leader actions, follower actions)"
            )
        if self.offset is None:  # the mean payoff, summed in parts that cannot overflow
            offset = float((leader / leader.size).sum() / 2 + (follower / follower.size).sum() / 2)
        else:
            offset = check_number("offset", self.offset)
        object.__setattr__(self, "leader_payoffs", leader)
        object.__setattr__(self, "follower_payoffs", follower)
        object.__setattr__(self, "offset", float(offset))
        names = _action_names(self.leader_actions, leader.shape[0], "leader")
        object.__setattr__(self, "leader_actions", names)
        names = _action_names(self.follower_actions, leader.shape[1], "follower")
        object.__setattr__(self, "follower_actions", names)

    def _key(self) -> tuple:
        return (
            self.name,
            self.leader_actions,
            self.follower_actions,
            self.offset,
            self.leader_payoffs.shape,
            self.leader_payoffs.tobytes(),
            self.follower_payoffs.tobytes(),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BimatrixGame):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    @property
    def n_leader_actions(self) -> int:
        return self.leader_payoffs.shape[0]

    @property
    def n_follower_actions(self) -> int:
        return self.leader_payoffs.shape[1]

    def payoffs(self, leader_action: np.ndarray, follower_action: np.ndarray) -> tuple:
        """Raw (uncentred) rewards of the leader and the follower for (arrays of) joint actions."""
        return (
            self.leader_payoffs[leader_action, follower_action],
            self.follower_payoffs[leader_action, follower_action],
        )

    def cell_table(self) -> list[dict[str, object]]:
        """One row per joint action: names and both payoffs, for tables in the book."""
        return [
            {
                "leader_action": la,
                "follower_action": fa,
                "leader_payoff": float(self.leader_payoffs[i, j]),
                "follower_payoff": float(self.follower_payoffs[i, j]),
            }
            for i, la in enumerate(self.leader_actions)
            for j, fa in enumerate(self.follower_actions)
        ]


def check_game(game: object, name: str = "game") -> BimatrixGame:
    """``game`` if it is a ``BimatrixGame``, else a ValueError naming it."""
    return check_type(name, game, BimatrixGame, "a BimatrixGame, e.g. make_game('hero')")


def from_cells(
    name: str, cells: tuple[tuple[float, float], ...], actions: tuple[str, str] = ("C", "D")
) -> BimatrixGame:
    """A 2x2 game from its (leader, follower) payoffs in the cell order CC, CD, DC, DD."""
    if len(cells) != 4 or any(len(cell) != 2 for cell in cells):
        raise ValueError(
            "a 2x2 game needs 4 (leader, follower) cells in the order CC, CD, DC, DD; "
            f"got {cells!r}"
        )
    array = np.asarray(cells, dtype=float).reshape(2, 2, 2)
    return BimatrixGame(
        array[..., 0], array[..., 1], name=name, leader_actions=actions, follower_actions=actions
    )


def game_name(name: str) -> str:
    """``name`` if it is a known game, its current spelling (with a warning) if it is an old
    one, else a clear error listing the known games. The one resolution of game names: the
    command line, sweeps, environments and ``make_game`` all use it."""
    if not isinstance(name, str):
        raise ValueError(
            f"a game name must be a string, one of: {', '.join(KNOWN_GAMES)}; got {name!r} "
            f"({type(name).__name__})"
        )
    if name in GAME_ALIASES:
        current = GAME_ALIASES[name]
        warnings.warn(
            f"game {name!r} is the original code's spelling; it is now called {current!r}",
            FutureWarning,
            stacklevel=2,
        )
        return current
    if name not in KNOWN_GAMES:
        raise ValueError(f"unknown game {name!r}; known games are: {', '.join(KNOWN_GAMES)}")
    return name


def make_game(name: str) -> BimatrixGame:
    """The canonical game (or the one-shot Battle of the Sexes) called ``name`` (old spellings
    are accepted with a warning, see ``GAME_ALIASES``)."""
    name = game_name(name)
    if name == BATTLE_OF_THE_SEXES:
        # Coordinate on the leader's choice: 2/1; on the follower's choice: 1/2; miscoordinate: 0/0.
        return BimatrixGame(
            np.array([[2.0, 0.0], [0.0, 1.0]]),
            np.array([[1.0, 0.0], [0.0, 2.0]]),
            name=name,
            leader_actions=("leader's choice", "follower's choice"),
            follower_actions=("leader's choice", "follower's choice"),
            offset=0.0,
        )
    return from_cells(name, _CANONICAL_CELLS[name])
