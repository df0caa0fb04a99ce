"""The exact Stackelberg outcome of the bullet trade, on hand-checked values."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stackmeta_lite.atari.equilibrium import trade_equilibrium
from stackmeta_lite.atari.market import PRICES
from stackmeta_lite.common.data import ATARI, read


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


def test_committed_bullet_values_are_identifiable_and_give_the_papers_prices() -> None:
    # Every value sits >= 3 standard errors from every grid price, so the equilibria are known.
    values = read(ATARI, "bullet_values.csv")
    values = values.set_index("shooter")
    for shooter, row in values.iterrows():
        distances = [abs(row["value"] - p) / row["value_se"] for p in PRICES]
        assert min(distances) >= 3.0, (shooter, distances)
        assert min(distances) == pytest.approx(row["z_nearest_price"])
        assert not any(row["value_low"] <= p <= row["value_high"] for p in PRICES)
    v_seller, v_buyer = values.loc["seller", "value"], values.loc["buyer", "value"]
    assert 0.0 < v_seller < 0.1 and 0.75 < v_buyer < 1.0  # "just under 0.1" and "just under 1.0"
    assert trade_equilibrium(v_seller, v_buyer, "seller").price == 0.75
    assert trade_equilibrium(v_seller, v_buyer, "buyer").price == 0.25


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


def brute_force(v_seller: float, v_buyer: float, leader: str) -> tuple[float, float]:
    """(seller, buyer) rewards per bullet at the leader's best commitment, by enumeration: the
    seller commits to a price or keeping; the buyer to one of the 32 accept sets. The follower
    best-responds and trades only when strictly better off."""
    if leader == "seller":
        options = [(v_seller, 0.0)]
        options += [(p, v_buyer - p) if v_buyer - p > 0 else (v_seller, 0.0) for p in PRICES]
        return max(options, key=lambda rewards: rewards[0])
    best = (v_seller, 0.0)
    for accepts in itertools.product((False, True), repeat=len(PRICES)):
        asked = [p for p, ok in zip(PRICES, accepts, strict=True) if ok and p > v_seller]
        rewards = (max(asked), v_buyer - max(asked)) if asked else (v_seller, 0.0)
        best = max(best, rewards, key=lambda r: r[1])
    return best


@given(st.floats(0, 1.2), st.floats(0, 1.2), st.sampled_from(["seller", "buyer"]))
def test_rewards_match_a_brute_force_search(v_seller: float, v_buyer: float, leader: str) -> None:
    outcome = trade_equilibrium(v_seller, v_buyer, leader)
    leader_index = 0 if leader == "seller" else 1
    best = brute_force(v_seller, v_buyer, leader)
    rewards = (outcome.seller_reward, outcome.buyer_reward)
    assert rewards[leader_index] == pytest.approx(best[leader_index])
    if outcome.price is not None:  # a trade leaves both strictly better off than no trade
        assert outcome.price > v_seller and outcome.price < v_buyer
        assert rewards == pytest.approx((outcome.price, v_buyer - outcome.price))


def test_a_numpy_price_grid_is_accepted() -> None:
    grid = np.array(PRICES)
    assert trade_equilibrium(0.09, 0.95, "seller", grid) == trade_equilibrium(0.09, 0.95, "seller")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-0.1, 0.9, "seller"), r"v_seller must be a finite reward >= 0 per bullet, got -0\.1"),
        ((0.1, float("nan"), "seller"), r"v_buyer must be a finite reward >= 0 per bullet"),
        ((0.1, 0.9, "both"), r"leader must be one of \('seller', 'buyer'\), got 'both'"),
        ((0.1, 0.9, "seller", (0.5, 0.25)), r"strictly increasing \(no duplicates\)"),
        ((0.1, 0.9, "seller", (0.25, 0.25)), r"strictly increasing .*got \[0\.25, 0\.25\]"),
        ((0.1, 0.9, "seller", (0.0, float("nan"))), r"prices must be finite rewards >= 0"),
        ((0.1, 0.9, "seller", (-0.5, 0.5)), r"finite rewards >= 0, got \[-0\.5, 0\.5\]"),
        ((0.1, 0.9, "seller", ()), r"non-empty 1-D sequence"),
        ((0.1, 0.9, "seller", ("cheap",)), r"prices must be numbers"),
        (("0.1", 0.9, "seller"), r"v_seller must be a number"),
    ],
)
def test_bad_input_raises_clear_errors(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        trade_equilibrium(*args)
