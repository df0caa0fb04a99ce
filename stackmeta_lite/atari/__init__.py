"""Bilateral bullet trade on two-player Space Invaders (needs the ``[atari]`` extra)."""

from stackmeta_lite.atari.bullet_value import bullet_values, measure_hit_rates
from stackmeta_lite.atari.env import SpaceInvadersTradeEnv
from stackmeta_lite.atari.equilibrium import TradeOutcome, trade_equilibrium
from stackmeta_lite.atari.frames import record_frames
from stackmeta_lite.atari.market import PRICES, ROLES, Market
from stackmeta_lite.atari.shooter import AimShooter
from stackmeta_lite.atari.trade_only import TradeOnlyEnv

__all__ = [
    "PRICES",
    "ROLES",
    "AimShooter",
    "Market",
    "SpaceInvadersTradeEnv",
    "TradeOnlyEnv",
    "TradeOutcome",
    "bullet_values",
    "measure_hit_rates",
    "record_frames",
    "trade_equilibrium",
]
