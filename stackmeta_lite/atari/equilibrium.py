"""The exact Stackelberg outcome of one bullet trade, from the two players' values of a bullet.

Values and prices are in reward units per bullet. Ties: a player indifferent between trading and
not trading does not trade, so the buyer accepts price p only if p < v_buyer and the seller sells
at p only if p > v_seller ("just under" and "just above" in the paper).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from stackmeta_lite.atari.market import PRICES

LEADERS: tuple[str, str] = ("seller", "buyer")


@dataclass(frozen=True)
class TradeOutcome:
    """Equilibrium price (None = no trade), the buyer's answer per price, and per-bullet rewards."""

    leader: str
    price: float | None
    accepts: tuple[bool, ...]
    seller_reward: float
    buyer_reward: float


def trade_equilibrium(
    v_seller: float, v_buyer: float, leader: str, prices: tuple[float, ...] = PRICES
) -> TradeOutcome:
    """Stackelberg outcome when ``leader`` commits first; values are expected rewards per bullet.

    Seller-led: the buyer accepts every price below v_buyer and the seller asks the highest such
    price if it beats v_seller. Buyer-led: the buyer accepts no price above p*, the lowest price
    above v_seller, and the seller sells at p* if p* < v_buyer (any accept set topped by p* is
    equally optimal; ``accepts`` reports the one accepting every price up to p*).
    """
    for name, value in (("v_seller", v_seller), ("v_buyer", v_buyer)):
        if not (math.isfinite(value) and value >= 0.0):
            raise ValueError(f"{name} must be a finite reward >= 0 per bullet, got {value}")
    if leader not in LEADERS:
        raise ValueError(f"leader must be one of {LEADERS}, got {leader!r}")
    if not prices or list(prices) != sorted(prices):
        raise ValueError(f"prices must be a non-empty increasing tuple, got {prices}")
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
