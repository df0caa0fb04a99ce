"""The bullet market without the game, and the cartridge's RAM reading."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stackmeta_lite.atari.bullet_value import bullet_values
from stackmeta_lite.atari.cartridge import MISSILE_X, MISSILE_Y, PLAYER_X, is_alien_kill, launchers
from stackmeta_lite.atari.market import ACCEPT, KEEP, REJECT, Market
from stackmeta_lite.atari.shooter import AimShooter


def test_arrival_gaps_are_geometric_with_the_stated_mean() -> None:
    market, rng = Market(mean_gap=5.0, max_stock=3, supply=10**6), np.random.default_rng(0)
    arrivals = 0
    for _ in range(20_000):
        arrivals += market.arrive(rng)
        market.trade(KEEP, REJECT)
        market.held = [0, 0]  # stay eligible
    assert arrivals / 20_000 == pytest.approx(1 / 5.0, rel=0.05)


def test_no_arrival_at_the_cap_on_both_players_holdings() -> None:
    market, rng = Market(mean_gap=1.0, max_stock=2), np.random.default_rng(0)
    market.held = [1, 1]
    assert not market.arrive(rng)
    market.held = [0, 1]
    assert market.arrive(rng)


def test_rejected_bullet_goes_back_to_the_seller() -> None:
    market = Market()
    market.undecided = True
    assert market.trade(5, REJECT) == 0.0 and market.offer == 4
    assert market.trade(KEEP, REJECT) == 0.0 and market.held == [1, 0]
    market.undecided = True
    market.trade(3, REJECT)
    assert market.trade(KEEP, ACCEPT) == 0.5 and market.held == [1, 1]


def test_the_supply_caps_the_arrivals_and_then_the_market_sells_out() -> None:
    market, rng = Market(mean_gap=1.0, max_stock=1, supply=3), np.random.default_rng(0)
    for _ in range(3):
        assert not market.sold_out
        assert market.arrive(rng)
        market.trade(KEEP, REJECT)  # the seller keeps it ...
        market.spend(0)  # ... and fires it
    assert market.arrived == 3 and not market.arrive(rng)
    assert market.sold_out
    market.clear()
    assert market.arrived == 0 and not market.sold_out


def test_one_bullet_at_a_time_waits_for_the_launch() -> None:
    market, rng = Market(mean_gap=1.0, max_stock=1), np.random.default_rng(0)
    assert market.arrive(rng)
    market.trade(2, REJECT)  # offered at 0.25 ...
    assert not market.arrive(rng)  # ... and no new bullet while the offer is open
    assert market.trade(KEEP, ACCEPT) == 0.25 and market.held == [0, 1]
    assert not market.arrive(rng)  # the buyer holds the one bullet
    market.spend(1)
    assert market.arrive(rng)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"max_stock": 2.5}, r"max_stock must be an integer >= 1, got 2\.5"),
        ({"supply": 0}, r"supply must be an integer >= 1, got 0"),
        ({"mean_gap": 0.0}, r"mean_gap must lie in \[1\.0, inf\], got 0\.0"),
    ],
)
def test_bad_market_settings_raise_clear_errors(settings: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Market(**settings)


def test_bad_trade_choices_name_the_value_and_the_range() -> None:
    with pytest.raises(
        ValueError, match=r"seller trade choice must be an integer in 0\.\.5, got 1\.0"
    ):
        Market().trade(1.0, REJECT)
    with pytest.raises(
        ValueError, match=r"buyer trade choice must be an integer in 0\.\.1, got -1"
    ):
        Market().trade(KEEP, -1)


def test_spending_without_a_bullet_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="without holding a bullet"):
        Market().spend(1)


@pytest.mark.parametrize(("points", "kill"), [(0, False), (5, True), (30, True), (200, False)])
def test_alien_kill_is_a_per_frame_score_in_1_to_30(points: int, kill: bool) -> None:
    assert is_alien_kill(points) is kill


def test_launch_is_matched_to_an_armed_shooter_at_x_plus_5() -> None:
    ram = np.full(128, 246, dtype=np.uint8)
    ram[PLAYER_X[0]], ram[PLAYER_X[1]] = 40, 90
    ram[MISSILE_Y[1]], ram[MISSILE_X[1]] = 85, 95
    assert launchers(ram, (True, True)) == (False, True)
    assert launchers(ram, (True, False)) == (False, False)
    ram[MISSILE_Y[1]] = 83  # a missile already in flight is not a launch
    assert launchers(ram, (True, True)) == (False, False)


def test_bullet_values_report_intervals_and_the_distance_to_the_grid() -> None:
    kills = {"seller": [7, 8, 7, 8], "buyer": [9, 8, 9, 9]}  # of 10 bullets per game
    games = pd.DataFrame(
        [
            {"shooter": s, "kills_per_bullet": k / 10, "hit_rate": k / 10}
            for s, ks in kills.items()
            for k in ks
        ]
    )
    values = bullet_values(games).set_index("shooter")
    buyer = values.loc["buyer"]
    assert buyer["value"] == pytest.approx(0.875)
    assert buyer["value_se"] == pytest.approx(np.std([0.9, 0.8, 0.9, 0.9], ddof=1) / 2)
    assert buyer["value_high"] - buyer["value"] == pytest.approx(3 * buyer["value_se"])
    assert buyer["nearest_price"] in (0.75, 1.0)
    assert buyer["z_nearest_price"] == pytest.approx(0.125 / buyer["value_se"])
    assert values.loc["seller", "value"] == pytest.approx(0.075)  # kill reward 0.1
    with pytest.raises(ValueError, match="need >= 2 games with a kills_per_bullet for seller"):
        bullet_values(games.iloc[3:])


@pytest.mark.parametrize("tolerance", [-1, 1.5, True])
def test_the_shooter_refuses_a_bad_tolerance(tolerance: object) -> None:
    with pytest.raises(ValueError, match=r"tolerance must be an integer >= 0 pixels"):
        AimShooter(tolerance)
