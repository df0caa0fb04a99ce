"""Argument checks that name the bad value and the allowed range.

Numbers: Python and numpy reals (``np.float32(0.1)`` included) are accepted, finite only; ``bool``
is refused everywhere (``True`` is not a learning rate, a horizon or an action). Integers and
actions follow ``operator.index``: Python and numpy integers pass; floats (even ``1.0``), strings,
``None`` and numpy floats are refused. Flags are ``True`` or ``False`` (Python or numpy) only:
``"False"``, ``"no"``, 0 and ``None`` are refused, never read as a truth value.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections import Counter

import numpy as np


def check_number(name: str, value: float) -> float:
    """``value`` as a finite float, or a ValueError naming it."""
    if (
        isinstance(value, bool | np.bool_)
        or not isinstance(value, numbers.Real)
        or math.isnan(value)
    ):
        raise ValueError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)


def check_bool(name: str, value: bool) -> bool:
    """``value`` as a bool if it is ``True`` or ``False`` (Python or numpy), or a ValueError
    naming it: a string such as ``"False"`` is truthy and must never be taken as a flag."""
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False, got {value!r} ({type(value).__name__})")
    return bool(value)


def check_range(
    name: str, value: float, low: float, high: float = math.inf, low_open: bool = False
) -> None:
    """Raise ValueError unless ``value`` is a finite number with ``low <= value <= high``
    (``low < value`` when ``low_open``)."""
    number = check_number(name, value)
    bad_low = number <= low if low_open else number < low
    if bad_low or number > high:
        bracket = "(" if low_open else "["
        raise ValueError(f"{name} must lie in {bracket}{low}, {high}], got {value!r}")


def check_integer(name: str, value: int, low: int = 0) -> int:
    """``value`` as an int >= ``low`` (``operator.index`` semantics, no bool), or a ValueError."""
    try:
        if isinstance(value, bool | np.bool_):
            raise TypeError
        number = operator.index(value)
    except TypeError:
        raise ValueError(
            f"{name} must be an integer >= {low}, got {value!r} ({type(value).__name__})"
        ) from None
    if number < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return number


def check_seed(name: str, value: int) -> int:
    """``value`` as an int seed in [0, 2**64) (any Python or numpy integer), or a ValueError."""
    seed = check_integer(name, value)
    if seed >= 2**64:
        raise ValueError(f"{name} must be below 2**64, got {value!r}")
    return seed


def check_type(name: str, value: object, kind: type | tuple[type, ...], expected: str) -> object:
    """``value`` if it is an instance of ``kind``, else a ValueError naming the argument, what it
    must be (``expected``, e.g. "an IteratedGame") and what it got."""
    if not isinstance(value, kind):
        text = repr(value)
        text = text if len(text) <= 60 else text[:57] + "..."
        raise ValueError(f"{name} must be {expected}, got {text} ({type(value).__name__})")
    return value


def check_positive_int(name: str, value: int) -> None:
    """Raise ValueError unless ``value`` is an integer >= 1."""
    check_integer(name, value, low=1)


def check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    """Raise ValueError unless ``value`` is one of the strings ``allowed``."""
    if not isinstance(value, str):
        raise ValueError(
            f"{name} must be a string, one of: {', '.join(allowed)}; got {value!r} "
            f"({type(value).__name__})"
        )
    if value not in allowed:
        raise ValueError(f"unknown {name} {value!r}; allowed: {', '.join(allowed)}")


def check_action(who: str, action: int, n_actions: int) -> int:
    """One action index as an int in [0, n_actions): integers only (``operator.index``; Python
    and numpy ints; no bool, float, string or None), or a ValueError naming the range."""
    try:
        if isinstance(action, bool | np.bool_):
            raise TypeError
        index = operator.index(action)
    except TypeError:
        index = -1
    if not 0 <= index < n_actions:
        raise ValueError(
            f"{who} action must be an integer in [0, {n_actions}), got {action!r} "
            f"({type(action).__name__})"
        )
    return index


def check_action_array(who: str, actions: object, n_actions: int, shape: tuple[int, ...]):
    """A batch of actions as an int64 array of ``shape`` with entries in [0, n_actions): one
    vectorised check (integer dtype, no bool), or a ValueError naming the range."""
    array, shape = np.asarray(actions), tuple(int(size) for size in shape)
    if array.dtype == np.bool_ or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(
            f"{who} actions must be integers in [0, {n_actions}), got dtype {array.dtype}: "
            f"{array.ravel()[:5].tolist()}"
        )
    if array.shape != shape:
        raise ValueError(f"{who} actions must have shape {shape}, got {array.shape}")
    array = array.astype(np.int64, copy=False)
    if (array.view(np.uint64) >= n_actions).any():  # one pass: negatives wrap to huge values
        bad = array[(array < 0) | (array >= n_actions)]
        raise ValueError(
            f"{who} actions must lie in [0, {n_actions}), got {bad.ravel()[:5].tolist()}"
        )
    return array


MAX_TABLE_BYTES = 2**30
"""Largest table (bytes) a learner or an enumeration may allocate: 1 GiB, checked beforehand."""


def check_table_size(what: str, n_entries: int, bytes_per_entry: int = 8) -> None:
    """Refuse, before allocating, a table of ``n_entries`` that would exceed
    ``MAX_TABLE_BYTES``, with a ValueError naming the table, its size and the limit."""
    needed = int(n_entries) * bytes_per_entry  # Python ints: no overflow
    if needed > MAX_TABLE_BYTES:
        raise ValueError(
            f"{what} would need {needed / 2**30:,.1f} GiB; the limit is MAX_TABLE_BYTES = "
            f"{MAX_TABLE_BYTES / 2**30:,.0f} GiB: use a smaller game"
        )


MAX_SEEDS = 100_000
"""A seed list longer than this is a typo, not a sweep (it would only fill memory)."""


def parse_seeds(text: str) -> list[int]:
    """Seeds written ``0-4``, ``0,3,7`` or both (``0-4,10``): a non-empty list of distinct integers
    >= 0, at most ``MAX_SEEDS`` of them, or a ValueError naming the bad part (both command lines
    read ``--seeds`` with it)."""
    seeds: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        try:
            first, last = int(low), int(high or low)
        except ValueError:
            raise ValueError(
                f"seeds must look like 0-4 or 0,3,7 (integers >= 0), got {text!r}"
            ) from None
        if last < first:
            raise ValueError(
                f"seed range {part!r} is empty: write it low-high, e.g. {last}-{first}"
            )
        if len(seeds) + last - first + 1 > MAX_SEEDS:
            raise ValueError(f"at most {MAX_SEEDS:,} seeds per command, got {text!r}")
        seeds.extend(range(first, last + 1))
    repeated = sorted(seed for seed, count in Counter(seeds).items() if count > 1)
    if repeated:
        raise ValueError(f"seeds must be distinct; {text!r} repeats {repeated}")
    return seeds
