"""Value of one bullet to each player, measured in the trade env itself: the kill reward x kills
per bullet received (a bullet still held when the game ends counts as wasted), under the scripted
AimShooter, in games where that player receives every bullet."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from stackmeta_lite.atari.env import SpaceInvadersTradeEnv
from stackmeta_lite.atari.market import ACCEPT, KEEP, PRICES, REJECT, ROLES
from stackmeta_lite.atari.shooter import AimShooter
from stackmeta_lite.atari.trade_only import TradeOnlyEnv

SELL_AT_ZERO = 1
"""Seller trade choice that offers at PRICES[0] = 0."""
GIVE_ALL_TO: dict[str, dict[str, int]] = {
    "seller": {"seller": KEEP, "buyer": REJECT},
    "buyer": {"seller": SELL_AT_ZERO, "buyer": ACCEPT},
}
"""Fixed trade choices that put every bullet in the named player's hands."""
MARKETS: dict[str, dict[str, float]] = {
    "before": {"mean_gap": 20.0, "max_stock": 3, "supply": 10**6, "tolerance": 2},
    "supply": {"mean_gap": 5.0, "max_stock": 1, "supply": 10, "tolerance": 2},
    "chosen": {"mean_gap": 5.0, "max_stock": 1, "supply": 10, "tolerance": 4},
    "looser aim": {"mean_gap": 5.0, "max_stock": 1, "supply": 10, "tolerance": 6},
}
"""Market and aim settings compared in the chapter: the market before issue 12 (open-ended supply,
the game ends on lives), a fixed supply of 10 bullets held one at a time (the game ends when the
last has landed) with the tight aim, that market with the default aim (``chosen``), and a looser
aim. ``tolerance`` is the AimShooter's, in pixels; the rest go to the env."""


def shooter_game(env: TradeOnlyEnv, seed: int, shooter: str) -> dict[str, int]:
    """Play one game in which ``shooter`` ends up with every bullet; return its counts per game."""
    actions = GIVE_ALL_TO[shooter]
    _, infos = env.reset(seed=seed)
    steps, arrived, launches, kills = 0, int(infos["seller"]["must_decide"]), 0, 0
    while env.agents:
        _, _, _, _, infos = env.step(actions)
        steps += 1
        arrived += infos["seller"]["must_decide"]
        launches += infos[shooter]["launched"]
        kills += infos[shooter]["kills"]
    return {"steps": steps, "bullets": arrived, "launches": launches, "kills": kills}


def measure_hit_rates(
    seeds: Iterable[int], tolerance: int | None = None, **env_kwargs: object
) -> pd.DataFrame:
    """One game per (seed, shooter): agent steps, bullets arrived, launches and kills per game.

    Adds kills per launch (``hit_rate``) and per bullet; ``tolerance`` (pixels) goes to the
    AimShooter (None: its default), ``env_kwargs`` to the trade env.
    """
    seeds = list(seeds)
    if len(seeds) < 2:
        raise ValueError(f"need >= 2 seeds (games per shooter) for a standard error, got {seeds}")
    shooter = AimShooter() if tolerance is None else AimShooter(tolerance)
    env = TradeOnlyEnv(SpaceInvadersTradeEnv(**env_kwargs), shooter)
    rows = [
        {"seed": seed, "shooter": role, **shooter_game(env, seed, role)}
        for role in ROLES
        for seed in seeds
    ]
    games = pd.DataFrame(rows)
    games["hit_rate"] = games["kills"] / games["launches"].where(games["launches"] > 0)
    games["kills_per_bullet"] = games["kills"] / games["bullets"].where(games["bullets"] > 0)
    return games


def bullet_values(
    games: pd.DataFrame, kill_rewards: tuple[float, float] = (0.1, 1.0)
) -> pd.DataFrame:
    """Per shooter: mean and standard error over games of the hit rate and of the bullet value.

    ``value`` = reward per kill x kills per bullet received (unfired bullets count), in reward
    units, with a 99.7% interval (3 standard errors) and its distance in standard errors to the
    nearest grid price (``z_nearest_price``); ``value_per_launch`` = reward per kill x hit rate.
    """
    rows = []
    for i, shooter in enumerate(ROLES):
        mine = games[games["shooter"] == shooter]
        row: dict[str, object] = {"shooter": shooter, "games": len(mine)}
        for rate, value in (("kills_per_bullet", "value"), ("hit_rate", "value_per_launch")):
            rates = mine[rate].dropna().to_numpy()
            if len(rates) < 2:
                raise ValueError(f"need >= 2 games with a {rate} for {shooter}, got {len(rates)}")
            sem = rates.std(ddof=1) / np.sqrt(len(rates))
            row |= {rate: rates.mean(), f"{rate}_se": sem}
            row |= {value: kill_rewards[i] * rates.mean(), f"{value}_se": kill_rewards[i] * sem}
        value, se = row["value"], row["value_se"]
        nearest = min(PRICES, key=lambda p: abs(p - value))
        row |= {
            "value_low": value - 3 * se,
            "value_high": value + 3 * se,
            "nearest_price": nearest,
            "z_nearest_price": abs(value - nearest) / se if se > 0 else float("inf"),
        }
        rows.append(row)
    return pd.DataFrame(rows)


def compare_markets(seeds: Iterable[int]) -> pd.DataFrame:
    """``bullet_values`` of every market in ``MARKETS`` on the same seeds, one row per (market,
    shooter), with the mean agent steps per game."""
    seeds = list(seeds)
    tables = []
    for name, settings in MARKETS.items():
        env_kwargs = {k: v for k, v in settings.items() if k != "tolerance"}
        games = measure_hit_rates(seeds, tolerance=int(settings["tolerance"]), **env_kwargs)
        steps = games.groupby("shooter", sort=False)["steps"].mean()
        table = bullet_values(games).assign(market=name, **settings)
        tables.append(table.assign(steps_per_game=steps.loc[list(table["shooter"])].to_numpy()))
    return pd.concat(tables, ignore_index=True)
