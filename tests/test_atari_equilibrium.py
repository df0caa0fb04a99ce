"""The exact Stackelberg outcome of the bullet trade, on hand-checked values."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stackmeta_lite.atari.equilibrium import trade_equilibrium


def test_paper_like_values() -> None:
    # v_seller 0.09, v_buyer 0.95: seller-led asks 0.75, buyer-led pays 0.25.
    seller_led = trade_equilibrium(0.09, 0.95, "seller")
    assert seller_led.price == 0.75
    assert seller_led.accepts == (True, True, True, True, False)
    assert (seller_led.seller_reward, seller_led.buyer_reward) == pytest.approx((0.75, 0.20))
    buyer_led = trade_equilibrium(0.09, 0.95, "buyer")
    assert buyer_led.price == 0.25
    assert buyer_led.accepts == (True, True, False, False, False)
    assert (buyer_led.seller_reward, buyer_led.buyer_reward) == pytest.approx((0.25, 0.70))


def test_committed_bullet_values_give_the_exact_answer() -> None:
    # A bullet's value is the reward per bullet received (what a learner sees), not per launch.
    values = pd.read_csv(Path(__file__).parents[1] / "data/atari/bullet_values.csv")
    per_bullet = dict(zip(values["shooter"], values["value"], strict=True))
    assert per_bullet == pytest.approx({"seller": 0.077, "buyer": 0.743}, abs=0.001)
    assert values["value_per_launch"].tolist() == pytest.approx([0.1, 0.972], abs=0.001)
    assert trade_equilibrium(per_bullet["seller"], per_bullet["buyer"], "seller").price == 0.5
    assert trade_equilibrium(per_bullet["seller"], per_bullet["buyer"], "buyer").price == 0.25


def test_ties_mean_no_trade_at_that_price() -> None:
    # The buyer does not accept a price equal to its value; the seller does not sell at its value.
    assert trade_equilibrium(0.09, 0.75, "seller").price == 0.5
    assert trade_equilibrium(0.25, 0.95, "buyer").price == 0.5
    assert trade_equilibrium(0.0, 0.95, "buyer").price == 0.25


def test_no_trade_when_no_price_fits_between_the_values() -> None:
    for leader in ("seller", "buyer"):
        outcome = trade_equilibrium(0.3, 0.45, leader)
        assert outcome.price is None
        assert (outcome.seller_reward, outcome.buyer_reward) == (0.3, 0.0)
    assert trade_equilibrium(0.3, 0.45, "buyer").accepts == (False,) * 5


@given(st.floats(0, 1.2), st.floats(0, 1.2))
def test_leaders_do_at_least_as_well_as_followers_let_them(v_seller: float, v_buyer: float) -> None:
    seller_led = trade_equilibrium(v_seller, v_buyer, "seller")
    buyer_led = trade_equilibrium(v_seller, v_buyer, "buyer")
    assert seller_led.seller_reward >= buyer_led.seller_reward
    assert buyer_led.buyer_reward >= seller_led.buyer_reward
    assert seller_led.seller_reward >= v_seller and buyer_led.buyer_reward >= 0.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-0.1, 0.9, "seller"), r"v_seller must be a finite reward >= 0 per bullet, got -0\.1"),
        ((0.1, float("nan"), "seller"), r"v_buyer must be a finite reward >= 0 per bullet"),
        ((0.1, 0.9, "both"), r"leader must be one of \('seller', 'buyer'\), got 'both'"),
        ((0.1, 0.9, "seller", (0.5, 0.25)), r"prices must be a non-empty increasing tuple"),
    ],
)
def test_bad_input_raises_clear_errors(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        trade_equilibrium(*args)
