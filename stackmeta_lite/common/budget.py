"""The one place that reads the run budget: ``STACKMETA_BUDGET=ci`` selects small budgets for CI,
anything unset or ``full`` the book's default budgets."""

from __future__ import annotations

import os

BUDGET_ENV = "STACKMETA_BUDGET"
BUDGETS: tuple[str, ...] = ("full", "ci")


def budget() -> str:
    """The budget named by ``STACKMETA_BUDGET``: ``full`` (default) or ``ci``."""
    value = os.environ.get(BUDGET_ENV, "full").strip().lower() or "full"
    if value not in BUDGETS:
        raise ValueError(f"{BUDGET_ENV} must be one of {', '.join(BUDGETS)}, got {value!r}")
    return value


def is_ci() -> bool:
    """True when the small CI budget is selected."""
    return budget() == "ci"
