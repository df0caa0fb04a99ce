"""The exact Stackelberg outcome of one bullet trade, from the two players' values of a bullet.

Values and prices are in reward units per bullet. Ties: a player indifferent between trading and
not trading does not trade, so the buyer accepts price p only if p < v_buyer and the seller sells
at p only if p > v_seller ("just under" and "just above" in the paper).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from stackmeta_lite.atari.market import ACCEPT, KEEP, PRICES, REJECT, ROLES


@dataclass(frozen=True)
class TradeOutcome:
    """Equilibrium price (None = no trade), the buyer's answer per price, and per-bullet rewards."""

    leader: str
    price: float | None
    accepts: tuple[bool, ...]
    seller_reward: float
    buyer_reward: float


def check_prices(prices: Sequence[float]) -> tuple[float, ...]:
    """Return ``prices`` (any sequence or 1-D array) as a tuple of floats, or raise a ValueError
    unless they are finite, >= 0 and strictly increasing (no duplicates), at least one."""
    try:
        grid = tuple(float(p) for p in np.asarray(prices, dtype=float).reshape(-1))
    except (TypeError, ValueError):
        raise ValueError(f"prices must be numbers, got {prices!r}") from None
    if np.ndim(prices) != 1 or not grid:
        raise ValueError(f"prices must be a non-empty 1-D sequence of prices, got {prices!r}")
    if not all(math.isfinite(p) and p >= 0.0 for p in grid):
        raise ValueError(f"prices must be finite rewards >= 0, got {list(grid)}")
    if any(b <= a for a, b in zip(grid, grid[1:], strict=False)):
        raise ValueError(f"prices must be strictly increasing (no duplicates), got {list(grid)}")
    return grid


def trade_equilibrium(
    v_seller: float, v_buyer: float, leader: str, prices: Sequence[float] = PRICES
) -> TradeOutcome:
    """Stackelberg outcome when ``leader`` commits first; values are expected rewards per bullet.

    Seller-led: the buyer accepts every price below v_buyer and the seller asks the highest such
    price if it beats v_seller. Buyer-led: the buyer accepts no price above p*, the lowest price
    above v_seller, and the seller sells at p* if p* < v_buyer (any accept set topped by p* is
    equally optimal; ``accepts`` reports the one accepting every price up to p*).
    """
    for name, value in (("v_seller", v_seller), ("v_buyer", v_buyer)):
        if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
            raise ValueError(f"{name} must be a number (reward per bullet), got {value!r}")
        if not (math.isfinite(value) and value >= 0.0):
            raise ValueError(f"{name} must be a finite reward >= 0 per bullet, got {value}")
    if leader not in ROLES:
        raise ValueError(f"leader must be one of {ROLES}, got {leader!r}")
    prices = check_prices(prices)
    if leader == "seller":
        accepts = tuple(p < v_buyer for p in prices)
        price = max((p for p, ok in zip(prices, accepts, strict=True) if ok), default=None)
        if price is not None and price <= v_seller:
            price = None
    else:
        price = min((p for p in prices if p > v_seller), default=None)
        if price is not None and price >= v_buyer:
            price = None
        accepts = tuple(price is not None and p <= price for p in prices)
    if price is None:
        return TradeOutcome(leader, None, accepts, v_seller, 0.0)
    return TradeOutcome(leader, price, accepts, price, v_buyer - price)


def best_follower_actions(leader: str, v_seller: float, v_buyer: float) -> list[frozenset[int]]:
    """The follower's best actions in each reachable table row (``Order.reachable_rows``), given
    the values per bullet: seller-led, per offered price, {accept} below v_buyer, else {reject};
    buyer-led, per accept table, {offer at the highest accepted price} if it beats v_seller, else
    keep or any rejected price (the bullet comes back either way)."""
    if leader == "seller":
        return [frozenset({ACCEPT if p < v_buyer else REJECT}) for p in PRICES]
    rows = []
    for context in range(2 ** len(PRICES)):
        accepted = [k for k in range(len(PRICES)) if context >> k & 1]
        good = [k for k in accepted if PRICES[k] > v_seller]
        if good:
            rows.append(frozenset({max(good) + 1}))
        else:
            rows.append(
                frozenset({KEEP} | {k + 1 for k in range(len(PRICES)) if k not in accepted})
            )
    return rows
