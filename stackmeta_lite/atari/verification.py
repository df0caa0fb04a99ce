"""The power of phase 3: how often the verification flags a deliberately wrong follower.

At the exact equilibrium leader, a follower is built for every action it can take where it
decides: one is the best response, the others are wrong on purpose. Two verifications are
compared. ``fresh`` (the experiment's phase 3) trains a fresh follower on that leader alone and
flags the pair when its greedy response differs; one run judges every follower at once.
``fine-tune`` (the paper's) fine-tunes the follower itself, made confident in its action, and
flags the pair when its greedy response changes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from stackmeta_lite.atari.equilibrium import TradeOutcome
from stackmeta_lite.atari.experiment import (
    GameSampler,
    train_follower,
    verify_response,
)
from stackmeta_lite.atari.market import ACCEPT, PRICES, REJECT
from stackmeta_lite.atari.orders import ORDERS, Order
from stackmeta_lite.atari.trade_only import TradeOnlyEnv
from stackmeta_lite.common.validation import check_choice
from stackmeta_lite.learners.pg import PGConfig, pg_update
from stackmeta_lite.learners.policy import CategoricalPolicy

STYLES: tuple[str, ...] = ("fresh", "fine-tune")
"""Verification styles: train a fresh follower (phase 3 here), or fine-tune the follower (paper)."""
CONFIDENT_STEPS = 10
"""REINFORCE steps that make a deliberately wrong follower confident."""


def equilibrium_play(outcome: TradeOutcome) -> tuple[np.ndarray, int]:
    """The exact leader's answers and the follower's best response where it decides.

    Seller-led: offer at the equilibrium price, answered by accept. Buyer-led: the accept table,
    answered by an offer at the equilibrium price. Needs a trading equilibrium.
    """
    if outcome.price is None:
        raise ValueError(f"the {outcome.leader}-led equilibrium has no trade; nothing to verify")
    offer = PRICES.index(outcome.price) + 1
    if outcome.leader == "seller":
        return np.array([offer]), ACCEPT
    return np.array([ACCEPT if ok else REJECT for ok in outcome.accepts]), offer


def confident_follower(order: Order, rows: np.ndarray, action: int) -> CategoricalPolicy:
    """A table follower that plays ``action`` in ``rows`` with probability above 0.99: a fresh
    table pushed there by REINFORCE steps that reward only that action."""
    follower = CategoricalPolicy(order.n_follower_observations, order.n_follower_actions)
    optimizer = torch.optim.Adam(follower.parameters(), lr=0.5)
    observations = torch.from_numpy(rows)
    actions = torch.full_like(observations, action)
    for _ in range(CONFIDENT_STEPS):
        pg_update(follower, optimizer, observations, actions, torch.ones(len(rows)))
    return follower


def verification_power(
    outcome: TradeOutcome, seeds: range, style: str, config: PGConfig
) -> pd.DataFrame:
    """One row per (verification run, follower action): whether that action is the best
    response and whether the ``style`` of verification (``config``, a budget's phase 3)
    flags a follower playing it; steps are the verification's agent steps."""
    check_choice("leader", outcome.leader, tuple(ORDERS))
    check_choice("style", style, STYLES)
    order = ORDERS[outcome.leader]
    answers, best = equilibrium_play(outcome)
    played = order.played_rows(answers)
    env = TradeOnlyEnv()
    rows = []
    for seed in seeds:
        sampler = GameSampler(order, env, np.random.default_rng(seed))
        if style == "fresh":
            verified, _ = verify_response(sampler, answers, config, _no_record)
        for action in range(order.n_follower_actions):
            if style == "fine-tune":
                follower = confident_follower(order, played, action)
                train_follower(sampler, "verify", follower, config, lambda: answers, _no_record)
                verified = follower.greedy()[played]
            rows.append(
                {
                    "order": outcome.leader,
                    "style": style,
                    "run": seed,
                    "follower": "correct" if action == best else "wrong",
                    "follower_response": order.describe_response(action),
                    "verify_response": order.describe_response(int(verified[0])),
                    "flagged": bool(verified[0] != action),
                    "verification_steps": sampler.steps["verify"],
                }
            )
    return pd.DataFrame(rows)


def _no_record(*_: object) -> dict:
    return {}
