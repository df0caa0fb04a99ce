"""A scripted, not learned, shooting policy for both cannons, read from RAM."""

from __future__ import annotations

import numpy as np

from stackmeta_lite.atari.cartridge import (
    ALIEN_ROWS,
    COLUMN_OFFSET,
    COLUMN_SPACING,
    FORMATION_X,
    LAUNCH_DX,
    MOVE_NAMES,
    PLAYER_X,
    SHIELDS,
)

NOOP, FIRE, RIGHT, LEFT = (MOVE_NAMES.index(m) for m in ("NOOP", "FIRE", "RIGHT", "LEFT"))


def shielded(x: int) -> bool:
    """Whether a missile launched at x (pixels) starts under one of the shields."""
    return any(lo <= x <= hi for lo, hi in SHIELDS)


class AimShooter:
    """Walk under the nearest alien column not behind a shield and press FIRE when under it.

    "Under" means the missile would start within ``tolerance`` pixels of the column's centre and
    clear of the shields; if every column is behind a shield, any column will do. With the env's
    masking, a cannon fires only when it also holds a bullet and has no missile in flight.
    """

    def __init__(self, tolerance: int = 4) -> None:
        """``tolerance`` in pixels, an integer >= 0. The default 4 misses about one shot in nine
        (``bullet_value.MARKETS`` compares it with 2 and 6)."""
        if isinstance(tolerance, bool) or not isinstance(tolerance, int) or tolerance < 0:
            raise ValueError(f"tolerance must be an integer >= 0 pixels, got {tolerance!r}")
        self.tolerance = tolerance

    def moves(self, ram: np.ndarray) -> tuple[int, int]:
        """Move indices (into MOVE_NAMES) for seller and buyer, given the 128 RAM bytes."""
        alive = int(np.bitwise_or.reduce(ram[ALIEN_ROWS]))
        if not alive:
            return NOOP, NOOP
        centres = [
            int(ram[FORMATION_X]) + COLUMN_OFFSET + COLUMN_SPACING * c
            for c in range(6)
            if alive >> c & 1
        ]
        return tuple(self._move(int(ram[x]) + LAUNCH_DX, centres) for x in PLAYER_X)

    def _move(self, muzzle: int, centres: list[int]) -> int:
        clear = [c for c in centres if not shielded(c)]
        gap = min((c - muzzle for c in clear or centres), key=abs)
        if abs(gap) <= self.tolerance and not (clear and shielded(muzzle)):
            return FIRE
        return RIGHT if gap > 0 else LEFT
