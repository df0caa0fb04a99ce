"""The two leader orders of the bullet trade: what the leader answers and what the follower sees.

Seller-led: the seller answers one query, "what do you do with a bullet?" (0 keep, k offer at
PRICES[k - 1]); the buyer observes (that answer, the offered price) and accepts or rejects.
Buyer-led: the buyer answers five queries, "do you accept price k?" (0 reject, 1 accept); the
seller observes the 32 answer tables as its context and keeps or offers at one of the 5 prices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stackmeta_lite.atari.ledger import Game
from stackmeta_lite.atari.market import ACCEPT, BUYER, KEEP, PRICES, ROLES, SELLER

N_PRICES = len(PRICES)


def seller_choice_name(choice: int) -> str:
    """``keep``, or ``offer <price>`` for seller choice k in 1..5."""
    return "keep" if choice == KEEP else f"offer {PRICES[choice - 1]}"


@dataclass(frozen=True)
class Order:
    """Who leads (``"seller"`` or ``"buyer"``) and the sizes of both players' tables."""

    leader: str
    n_queries: int
    n_answers: int
    n_follower_observations: int
    n_follower_actions: int

    @property
    def follower(self) -> str:
        """The other role: ``"buyer"`` when the seller leads, else ``"seller"``."""
        return ROLES[1 - self.leader_index]

    @property
    def leader_index(self) -> int:
        """SELLER or BUYER: the market index of the leader (the follower is the other one)."""
        return ROLES.index(self.leader)

    def context(self, answers: np.ndarray) -> int:
        """The follower's context: the leader's answers (n_queries,) read as a base-n number."""
        return int(np.dot(answers, self.n_answers ** np.arange(self.n_queries)))

    def context_rows(self, answers: np.ndarray) -> np.ndarray:
        """The follower's table rows (observations) that these leader answers can reach."""
        context = self.context(answers)
        if self.leader == "seller":
            return context * N_PRICES + np.arange(N_PRICES)
        return np.array([context])

    def reachable_rows(self) -> np.ndarray:
        """The follower's table rows that some leader answers make it decide in: seller-led, the
        5 rows (offer k, price k); buyer-led, all 32 contexts."""
        if self.leader == "seller":
            return np.arange(1, N_PRICES + 1) * (N_PRICES + 1) - 1
        return np.arange(self.n_follower_observations)

    def played_rows(self, answers: np.ndarray) -> np.ndarray:
        """The follower's table rows in which it decides when the leader answers ``answers``:
        seller-led, the row of the one price offered (none if the seller keeps); buyer-led, the
        context's row."""
        context = self.context(answers)
        if self.leader == "seller":
            return np.array(
                [context * N_PRICES + answers[0] - 1] if answers[0] != KEEP else [], int
            )
        return np.array([context])

    def trade_probs(
        self, answers: np.ndarray, follower_probs: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per-game trade probabilities: the seller's (6,) and the buyer's per price (5, 2), given
        the leader's answers and the follower's (n_follower_observations, actions) table."""
        rows = follower_probs[self.context_rows(answers)]
        if self.leader == "seller":
            return np.eye(N_PRICES + 1)[answers[0]], rows
        return rows[0], np.eye(2)[answers]

    def follower_decisions(
        self, answers: np.ndarray, game: Game
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The follower's (observations, actions, credits in reward units) in one game."""
        context = self.context(answers)
        if self.leader == "seller":
            rows = [
                (context * N_PRICES + b.choice - 1, b.answer, b.credit[BUYER])
                for b in game.bullets
                if b.answer is not None
            ]
        else:
            rows = [(context, b.choice, b.credit[SELLER]) for b in game.bullets]
        observations, actions, credits = zip(*rows, strict=True) if rows else ((), (), ())
        return np.array(observations, int), np.array(actions, int), np.array(credits, float)

    def greedy_price(self, answers: np.ndarray, follower_greedy: np.ndarray) -> float:
        """Price of every trade when both play greedily (NaN: no trade), without the emulator."""
        seller, buyer = self.trade_probs(answers, np.eye(self.n_follower_actions)[follower_greedy])
        choice = int(seller.argmax())
        if choice == KEEP or buyer[choice - 1].argmax() != ACCEPT:
            return float("nan")
        return PRICES[choice - 1]

    def describe(self, answers: np.ndarray) -> str:
        """The leader's answers in words: ``keep``/``offer 0.5``, or the accepted prices."""
        if self.leader == "seller":
            return seller_choice_name(answers[0])
        accepted = [str(p) for p, a in zip(PRICES, answers, strict=True) if a == ACCEPT]
        return "accept " + "/".join(accepted) if accepted else "accept none"

    def describe_played(self, answers: np.ndarray, follower_table: np.ndarray) -> str:
        """The follower's greedy responses in words, in the rows where it decides (``none``)."""
        rows = self.played_rows(answers)
        return ", ".join(self.describe_response(a) for a in follower_table[rows]) or "none"

    def describe_response(self, action: int) -> str:
        """A follower action in words: ``reject``/``accept``, or ``keep``/``offer 0.5``."""
        if self.leader == "seller":
            return "accept" if action == ACCEPT else "reject"
        return seller_choice_name(action)


ORDERS: dict[str, Order] = {
    ROLES[SELLER]: Order(ROLES[SELLER], 1, N_PRICES + 1, (N_PRICES + 1) * N_PRICES, 2),
    ROLES[BUYER]: Order(ROLES[BUYER], N_PRICES, 2, 2**N_PRICES, N_PRICES + 1),
}
"""The two orders, keyed by the leader."""
