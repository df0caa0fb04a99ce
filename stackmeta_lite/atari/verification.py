"""The power of phase 3: how often the verification flags a deliberately wrong follower.

At the exact equilibrium leader, a follower table is built for every action the follower can take
where it decides: one is the best response, the others are wrong on purpose. Phase 3 trains a
fresh follower on that leader alone and flags the pair when its greedy response differs from the
table's. One verification run judges every table at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stackmeta_lite.atari.equilibrium import TradeOutcome
from stackmeta_lite.atari.experiment import GameSampler, budget_for, verify_response
from stackmeta_lite.atari.market import ACCEPT, PRICES, REJECT
from stackmeta_lite.atari.orders import ORDERS
from stackmeta_lite.atari.trade_only import TradeOnlyEnv
from stackmeta_lite.budget import is_ci
from stackmeta_lite.learners.pg import PGConfig
from stackmeta_lite.validation import check_choice


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


def verification_power(
    outcome: TradeOutcome, seeds: range, config: PGConfig | None = None
) -> pd.DataFrame:
    """One row per (verification run, follower action): whether that action is the best
    response and whether phase 3 (``config``, default the budget's) flags a follower playing it."""
    check_choice("leader", outcome.leader, tuple(ORDERS))
    order = ORDERS[outcome.leader]
    config = config if config is not None else budget_for(outcome.leader, is_ci()).verify
    answers, best = equilibrium_play(outcome)
    env = TradeOnlyEnv()
    rows = []
    for seed in seeds:
        sampler = GameSampler(order, env, np.random.default_rng(seed))
        verified, _ = verify_response(sampler, answers, config, lambda *_: {})
        for action in range(order.n_follower_actions):
            rows.append(
                {
                    "order": outcome.leader,
                    "run": seed,
                    "follower": "correct" if action == best else "wrong",
                    "follower_response": order.describe_response(action),
                    "verify_response": order.describe_response(int(verified[0])),
                    "flagged": bool(verified[0] != action),
                    "verification_steps": sampler.steps["verify"],
                }
            )
    return pd.DataFrame(rows)
