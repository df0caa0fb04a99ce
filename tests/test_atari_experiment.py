"""The meta-RL trade experiment: per-bullet credit, both orders' tables, the CI-budget smoke
property, seeded reproducibility and input checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stackmeta_lite.atari.experiment import (
    TradeBudget,
    budget_for,
    passes_smoke_check,
    run_experiment,
)
from stackmeta_lite.atari.ledger import play_game
from stackmeta_lite.atari.market import ACCEPT, REJECT
from stackmeta_lite.atari.orders import ORDERS
from stackmeta_lite.atari.trade_only import TradeOnlyEnv
from stackmeta_lite.learners.pg import PGConfig


def tiny_budget() -> TradeBudget:
    one = PGConfig(lr=0.1, batch_steps=1, iterations=1, baseline="observation")
    return TradeBudget(follower=one, leader=one, verify=one, eval_games=1)


def test_bullet_credits_sum_to_the_game_rewards() -> None:
    rng = np.random.default_rng(0)
    game = play_game(TradeOnlyEnv(), np.full(6, 1 / 6), np.full((5, 2), 0.5), rng, seed=3)
    credits = np.array([b.credit for b in game.bullets]).sum(axis=0)
    assert len(game.bullets) >= 5
    assert credits == pytest.approx(game.rewards)
    sold = [b for b in game.bullets if b.price is not None]
    assert sold and all(b.answer == ACCEPT and b.choice >= 1 for b in sold)


def test_seller_led_tables() -> None:
    order = ORDERS["seller"]
    follower = np.zeros(30, dtype=int)
    follower[3 * 5 + 2] = ACCEPT  # context "offer 0.5", offered 0.5: accept
    assert order.context(np.array([3])) == 3
    assert order.greedy_price(np.array([3]), follower) == 0.5
    assert np.isnan(order.greedy_price(np.array([4]), follower))  # 0.75 is rejected
    assert order.describe(np.array([0])) == "keep"
    assert order.context_rows(np.array([3])).tolist() == [15, 16, 17, 18, 19]
    assert order.describe_response(ACCEPT) == "accept"


def test_buyer_led_tables() -> None:
    order = ORDERS["buyer"]
    answers = np.array([ACCEPT, ACCEPT, REJECT, REJECT, REJECT])
    follower = np.zeros(32, dtype=int)
    follower[3] = 2  # context 0b00011: offer at 0.25
    assert order.context(answers) == 3
    seller, buyer = order.trade_probs(answers, np.eye(6)[follower])
    assert seller.argmax() == 2 and buyer.argmax(axis=1).tolist() == [1, 1, 0, 0, 0]
    assert order.greedy_price(answers, follower) == 0.25
    assert order.describe(answers) == "accept 0.0/0.25"
    assert order.context_rows(answers).tolist() == [3]
    assert order.describe_response(2) == "offer 0.25"


@pytest.mark.parametrize("order", ["seller", "buyer"])
def test_ci_budget_learns_the_smoke_property(order: str) -> None:
    result = run_experiment(order, seed=0, budget=budget_for(order, ci=True))
    assert passes_smoke_check(result), result.summary
    phases = result.curves["phase"].unique().tolist()
    assert phases == ["pretrain", "leader", "eval", "verify", "verify_eval"]
    assert result.curves["agent_steps"].is_monotonic_increasing
    assert result.summary["best_response_gap"] >= 0.0  # the learned response is one of those tried


def test_seeded_runs_give_the_same_numbers() -> None:
    first, again = (run_experiment("buyer", seed=4, budget=tiny_budget()) for _ in range(2))
    other = run_experiment("buyer", seed=5, budget=tiny_budget())
    columns = [c for c in first.curves.columns if c != "seconds"]
    pd.testing.assert_frame_equal(first.curves[columns], again.curves[columns])
    assert not first.curves[columns].equals(other.curves[columns])


def test_bad_inputs_raise_clear_errors() -> None:
    with pytest.raises(ValueError, match=r"unknown order 'both'; allowed: seller, buyer"):
        run_experiment("both", seed=0)
    with pytest.raises(ValueError, match=r"unknown order 'both'"):
        budget_for("both", ci=True)
    with pytest.raises(ValueError, match=r"lr must lie in \(0\.0, inf\], got -0\.1"):
        PGConfig(lr=-0.1)
    with pytest.raises(ValueError, match=r"eval_games must be an integer >= 1, got 0"):
        TradeBudget(*[PGConfig()] * 3, eval_games=0)
