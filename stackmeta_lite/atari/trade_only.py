"""The trade env with a scripted shooter at the controls: agents choose only trade actions."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
from gymnasium import spaces
from pettingzoo import ParallelEnv

from stackmeta_lite.atari.env import TRADE_CHOICES, SpaceInvadersTradeEnv
from stackmeta_lite.atari.market import ROLES
from stackmeta_lite.atari.shooter import AimShooter


class Shooter(Protocol):
    """A scripted shooting policy for both cannons."""

    def moves(self, ram: np.ndarray) -> tuple[int, int]:
        """Move indices (into MOVE_NAMES) for seller and buyer, given the 128 RAM bytes."""
        ...


class TradeOnlyEnv(ParallelEnv):
    """Like ``SpaceInvadersTradeEnv`` but each action is only the trade choice.

    Seller: Discrete(6), 0 keep, k offer at PRICES[k - 1]; buyer: Discrete(2), 0 reject, 1 accept.
    Observations, rewards and infos are the inner env's; ``shooter`` picks both cannons' moves.
    """

    metadata = {"name": "space_invaders_trade_only_v1", "render_modes": ["rgb_array"]}

    def __init__(
        self, env: SpaceInvadersTradeEnv | None = None, shooter: Shooter | None = None
    ) -> None:
        """Wrap ``env`` (default: a new one with default settings) and drive it with ``shooter``."""
        self.env = env if env is not None else SpaceInvadersTradeEnv()
        self.shooter = shooter if shooter is not None else AimShooter()
        self.possible_agents = list(ROLES)
        self.agents: list[str] = []
        self.render_mode = self.env.render_mode
        self._action_spaces = {a: spaces.Discrete(TRADE_CHOICES[a]) for a in ROLES}

    def observation_space(self, agent: str) -> spaces.Box:
        """Same as the inner env's."""
        return self.env.observation_space(agent)

    def action_space(self, agent: str) -> spaces.Discrete:
        """The trade choice only."""
        return self._action_spaces[agent]

    def reset(
        self, seed: int | None = None, options: dict | None = None
    ) -> tuple[dict[str, np.ndarray], dict[str, dict[str, Any]]]:
        """Reset the inner env."""
        out = self.env.reset(seed=seed, options=options)
        self.agents = list(self.env.agents)
        return out

    def step(self, actions: dict[str, Any]) -> tuple[dict, dict, dict, dict, dict]:
        """Step the inner env with the shooter's moves and these trade choices."""
        moves = self.shooter.moves(self.env.ram)
        if set(actions) != set(ROLES):
            raise ValueError(f"actions must have a key for each agent {ROLES}, got {list(actions)}")
        out = self.env.step({a: (moves[i], actions[a]) for i, a in enumerate(ROLES)})
        self.agents = list(self.env.agents)
        return out

    @property
    def kill_rewards(self) -> tuple[float, float]:
        """Reward per alien kill of the seller and the buyer (the inner env's)."""
        return self.env.kill_rewards

    @property
    def ram(self) -> np.ndarray:
        """The inner env's 128 RAM bytes after the last step (read-only, uint8)."""
        return self.env.ram

    def render(self) -> np.ndarray | None:
        """The inner env's render."""
        return self.env.render()
