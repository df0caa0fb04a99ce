"""Play one trade game with fixed per-game trade probabilities and credit every bullet's fate.

Credit of a bullet, in reward units: the price moves from buyer to seller if it was sold, and each
alien it killed pays its holder's kill reward. A launch uses the holder's oldest bullet and a kill
goes to the holder's missile in flight, so the credits of a game sum to its rewards.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from stackmeta_lite.atari.market import ACCEPT, BUYER, KEEP, PRICES, ROLES, SELLER
from stackmeta_lite.atari.trade_only import TradeOnlyEnv
from stackmeta_lite.learners.policy import sample_actions


@dataclass
class Bullet:
    """One bullet: the seller's choice (0 keep, k offer at PRICES[k - 1]), the buyer's answer
    (None if not offered), and its credit to each player in reward units."""

    choice: int
    answer: int | None = None
    credit: list[float] = field(default_factory=lambda: [0.0, 0.0])

    @property
    def price(self) -> float | None:
        """The price paid, or None if the bullet was not sold."""
        return PRICES[self.choice - 1] if self.answer == ACCEPT else None


@dataclass
class Game:
    """The bullets of one game (in arrival order, decided ones only), its rewards and length."""

    bullets: list[Bullet]
    rewards: tuple[float, float]
    agent_steps: int


def play_trade_game(
    env: TradeOnlyEnv,
    seller_probs: np.ndarray,
    buyer_probs: np.ndarray,
    rng: np.random.Generator,
    seed: int,
) -> Game:
    """One game from ``env.reset(seed=seed)``: each bullet's keep/offer choice drawn from
    ``seller_probs`` (6,), each answer to an offer at price k from ``buyer_probs[k]`` (5, 2)."""
    kill_rewards = env.kill_rewards
    _, infos = env.reset(seed=seed)
    bullets: list[Bullet] = []
    held: tuple[deque[Bullet], deque[Bullet]] = (deque(), deque())
    flying: list[Bullet | None] = [None, None]
    offer: Bullet | None = None
    rewards, steps = [0.0, 0.0], 0
    while env.agents:
        actions = {"seller": KEEP, "buyer": 0}
        if infos["buyer"]["must_decide"]:
            actions["buyer"] = int(sample_actions(buyer_probs[offer.choice - 1], rng))
            offer.answer = actions["buyer"]
            owner = BUYER if offer.answer == ACCEPT else SELLER
            held[owner].append(offer)
            if offer.price is not None:
                offer.credit[SELLER] += offer.price
                offer.credit[BUYER] -= offer.price
        if infos["seller"]["must_decide"]:
            actions["seller"] = int(sample_actions(seller_probs, rng))
            bullet = Bullet(actions["seller"])
            bullets.append(bullet)
            if bullet.choice == KEEP:
                held[SELLER].append(bullet)
            else:
                offer = bullet
        _, step_rewards, _, _, infos = env.step(actions)
        steps += 1
        for player, agent in enumerate(ROLES):
            rewards[player] += step_rewards[agent]
            if infos[agent]["launched"]:
                flying[player] = held[player].popleft()
            if infos[agent]["kills"] and flying[player] is not None:
                flying[player].credit[player] += kill_rewards[player] * infos[agent]["kills"]
            if len(held[player]) != infos[agent]["held"]:
                raise RuntimeError(f"ledger lost track of {agent}'s bullets at step {steps}")
    decided = [b for b in bullets if b.choice == KEEP or b.answer is not None]
    return Game(decided, (rewards[SELLER], rewards[BUYER]), steps)
