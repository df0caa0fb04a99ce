"""The bullet market, without the game: arrivals to the seller, offers, answers and holdings.

Prices and transfers are in reward units (one alien kill pays the seller 0.1 and the buyer 1.0).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field

import numpy as np

from stackmeta_lite.common.validation import check_positive_int, check_range

PRICES: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
"""The discrete prices a seller can ask, in reward units."""

KEEP = 0
"""Seller's trade choice: keep the new bullet; choice k in 1..5 offers it at PRICES[k - 1]."""
REJECT, ACCEPT = 0, 1
"""Buyer's trade choices."""
ROLES: tuple[str, str] = ("seller", "buyer")
"""The two players' names, in player order: the seller is the game's player 1, the buyer its
player 2. They are also the PettingZoo agent names and the two possible leaders."""
SELLER, BUYER = 0, 1
"""Player indices into ROLES."""


def check_index(choice: int, n_choices: int, what: str) -> int:
    """Return `choice` as an int, or raise a ValueError naming it and the allowed range 0..n-1."""
    try:
        value = operator.index(choice)
    except TypeError:
        value = -1
    if not 0 <= value < n_choices:
        raise ValueError(f"{what} must be an integer in 0..{n_choices - 1}, got {choice}")
    return value


@dataclass
class Market:
    """Holdings and the open trade; every count is in bullets.

    A bullet arrives with probability 1 / `mean_gap` in each agent step in which the seller has no
    undecided bullet, no offer is open, the two players hold fewer than `max_stock` bullets
    together and fewer than `supply` bullets have arrived this game, so gaps between arrivals are
    geometric with mean `mean_gap` such steps. The cap on both players' holdings keeps the supply
    the same whoever holds the bullets. A rejected bullet goes back to the seller.
    """

    mean_gap: float = 5.0
    max_stock: int = 1
    supply: int = 10
    held: list[int] = field(default_factory=lambda: [0, 0])
    undecided: bool = False
    offer: int | None = None
    """Index into PRICES of the open offer, answered by the buyer in the next step."""
    arrived: int = 0
    """Bullets that arrived this game."""

    def __post_init__(self) -> None:
        check_range("mean_gap", self.mean_gap, 1.0)
        check_positive_int("max_stock", self.max_stock)
        check_positive_int("supply", self.supply)

    def clear(self) -> None:
        """Empty both players' holdings, close any pending decision, restart the supply."""
        self.held = [0, 0]
        self.undecided = False
        self.offer = None
        self.arrived = 0

    @property
    def sold_out(self) -> bool:
        """Whether the game's whole supply has arrived, been decided and been launched."""
        pending = self.undecided or self.offer is not None or sum(self.held) > 0
        return self.arrived == self.supply and not pending

    def trade(self, seller_choice: int, buyer_choice: int) -> float:
        """Apply this step's trade choices and return the price paid by buyer to seller (0 if none).

        The buyer answers the offer open since last step; then the seller decides on its undecided
        bullet (keep, or open an offer). A choice with nothing to decide is ignored.
        """
        seller_choice = check_index(seller_choice, len(PRICES) + 1, "seller trade choice")
        buyer_choice = check_index(buyer_choice, 2, "buyer trade choice")
        paid = 0.0
        if self.offer is not None:
            if buyer_choice == ACCEPT:
                paid = PRICES[self.offer]
                self.held[BUYER] += 1
            else:
                self.held[SELLER] += 1
            self.offer = None
        if self.undecided:
            if seller_choice == KEEP:
                self.held[SELLER] += 1
            else:
                self.offer = seller_choice - 1
            self.undecided = False
        return paid

    def arrive(self, rng: np.random.Generator) -> bool:
        """Maybe give the seller a new undecided bullet; return whether one arrived."""
        eligible = not self.undecided and self.offer is None and sum(self.held) < self.max_stock
        eligible = eligible and self.arrived < self.supply
        if eligible and rng.random() < 1.0 / self.mean_gap:
            self.undecided = True
            self.arrived += 1
        return self.undecided and eligible

    def spend(self, player: int) -> None:
        """Use one of `player`'s bullets (called when its launch is seen in RAM)."""
        if self.held[player] < 1:
            raise RuntimeError(f"player {player} launched a missile without holding a bullet")
        self.held[player] -= 1
