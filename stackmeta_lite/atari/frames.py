"""RGB frames of a scripted trade game, for the book's image strip."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from stackmeta_lite.atari.env import SpaceInvadersTradeEnv
from stackmeta_lite.atari.trade_only import TradeOnlyEnv


def record_frames(
    seed: int, steps: Sequence[int], seller_choice: int = 1, buyer_choice: int = 1
) -> np.ndarray:
    """Screens (n, 210, 160, 3) uint8 after each of ``steps`` agent steps (0 = just after reset).

    The AimShooter plays; every trade uses the fixed choices (default: offer at 0, accept).
    """
    wanted = sorted(set(steps))
    if not wanted or wanted[0] < 0:
        raise ValueError(f"steps must be a non-empty list of agent steps >= 0, got {list(steps)}")
    env = TradeOnlyEnv(SpaceInvadersTradeEnv(render_mode="rgb_array"))
    env.reset(seed=seed)
    frames: dict[int, np.ndarray] = {}
    for step in range(wanted[-1] + 1):
        if step in wanted:
            frames[step] = env.render().copy()
        if step == wanted[-1]:
            break
        if not env.agents:
            raise ValueError(f"the game of seed {seed} ended after {step} agent steps; ask fewer")
        env.step({"seller": seller_choice, "buyer": buyer_choice})
    return np.stack([frames[s] for s in steps])
