"""Value of one bullet to each player under the scripted AimShooter: kill reward x kills per bullet
received (bullets still held when the game ends count as wasted), as a learning trader sees it."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from stackmeta_lite.atari.env import AGENTS, SpaceInvadersTradeEnv
from stackmeta_lite.atari.market import ACCEPT, KEEP, REJECT
from stackmeta_lite.atari.trade_only import TradeOnlyEnv

SELL_AT_ZERO = 1
"""Seller trade choice that offers at PRICES[0] = 0."""
SCENARIOS: dict[str, dict[str, int]] = {
    "seller": {"seller": KEEP, "buyer": REJECT},
    "buyer": {"seller": SELL_AT_ZERO, "buyer": ACCEPT},
}
"""Fixed trade choices that put every bullet in the named player's hands."""


def play_game(env: TradeOnlyEnv, seed: int, shooter: str) -> dict[str, int]:
    """Play one game in which ``shooter`` ends up with every bullet; return its counts per game."""
    actions = SCENARIOS[shooter]
    _, infos = env.reset(seed=seed)
    steps, arrived, launches, kills = 0, int(infos["seller"]["must_decide"]), 0, 0
    while env.agents:
        _, _, _, _, infos = env.step(actions)
        steps += 1
        arrived += infos["seller"]["must_decide"]
        launches += infos[shooter]["launched"]
        kills += infos[shooter]["kills"]
    return {"steps": steps, "bullets": arrived, "launches": launches, "kills": kills}


def measure_hit_rates(seeds: Iterable[int], **env_kwargs: object) -> pd.DataFrame:
    """One game per (seed, shooter): agent steps, bullets arrived, launches and kills per game.

    Adds kills per launch (``hit_rate``) and per bullet; ``env_kwargs`` go to the trade env.
    """
    env = TradeOnlyEnv(SpaceInvadersTradeEnv(**env_kwargs))
    rows = [
        {"seed": seed, "shooter": shooter, **play_game(env, seed, shooter)}
        for shooter in AGENTS
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
    units; ``value_per_launch`` = reward per kill x hit rate (kills per launch), for reference.
    """
    rows = []
    for i, shooter in enumerate(AGENTS):
        mine = games[games["shooter"] == shooter]
        row: dict[str, object] = {"shooter": shooter, "games": len(mine)}
        for rate, value in (("kills_per_bullet", "value"), ("hit_rate", "value_per_launch")):
            rates = mine[rate].dropna().to_numpy()
            if len(rates) < 2:
                raise ValueError(f"need >= 2 games with a {rate} for {shooter}, got {len(rates)}")
            sem = rates.std(ddof=1) / np.sqrt(len(rates))
            row |= {rate: rates.mean(), f"{rate}_se": sem}
            row |= {value: kill_rewards[i] * rates.mean(), f"{value}_se": kill_rewards[i] * sem}
        rows.append(row)
    return pd.DataFrame(rows)
