"""Argument checks that name the bad value and the allowed range."""

from __future__ import annotations

import math


def check_range(
    name: str, value: float, low: float, high: float = math.inf, low_open: bool = False
) -> None:
    """Raise ValueError unless ``low <= value <= high`` (``low < value`` when ``low_open``)."""
    bad_low = value <= low if low_open else value < low
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if bad_low or value > high:
        bracket = "(" if low_open else "["
        raise ValueError(f"{name} must lie in {bracket}{low}, {high}], got {value!r}")


def check_positive_int(name: str, value: int) -> None:
    """Raise ValueError unless ``value`` is an integer >= 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")


def check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    """Raise ValueError unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"unknown {name} {value!r}; allowed: {', '.join(allowed)}")
