"""Facts about the two-player Space Invaders cartridge: action codes and RAM addresses."""

from __future__ import annotations

import numpy as np

MOVE_NAMES: tuple[str, ...] = ("NOOP", "FIRE", "RIGHT", "LEFT", "RIGHTFIRE", "LEFTFIRE")
"""The minimal action set; a player's move is an index into this tuple."""

ALE_CODES: tuple[int, ...] = (0, 1, 3, 4, 11, 12)
"""Emulator action code for each move index."""

UNARMED_CODES: tuple[int, ...] = (0, 0, 3, 4, 3, 4)
"""Emulator code per move with firing removed: FIRE->NOOP, RIGHTFIRE->RIGHT, LEFTFIRE->LEFT."""

FIRES: tuple[bool, ...] = (False, True, False, False, True, True)
"""Whether each move index presses the fire button."""

RAM_SIZE = 128
PLAYER_X = (0x1C, 0x1D)
"""RAM indices (address - 0x80) of the two players' x positions."""
MISSILE_Y = (0x55, 0x56)
"""RAM indices of the two missile slots' y (NO_MISSILE = empty); a slot is not tied to a player."""
NO_MISSILE = 246
"""Missile y of an empty slot."""
MISSILE_X = (0x57, 0x58)
"""RAM indices of the two missile slots' x positions."""
LAUNCH_Y = 85
"""A missile is at y == 85 on exactly the frame it is launched, at the shooter's x + 5."""
LAUNCH_DX = 5

FORMATION_X = 0x1A
"""RAM index of the alien formation's x position."""
ALIEN_ROWS = slice(0x12, 0x18)
"""RAM indices of the 6 alien rows; bit c of a row byte is set while column c's alien is alive."""
COLUMN_OFFSET, COLUMN_SPACING = 7, 16
"""Column c's centre is at formation x + 7 + 16 c pixels, in missile x coordinates."""

SHIELDS: tuple[tuple[int, int], ...] = ((44, 51), (76, 83), (108, 115))
"""Missile x ranges (inclusive, pixels) blocked by the three intact shields."""

INTRO_FRAMES = 125
"""Frames after a reset during which the game ignores input; the first launch can happen on 126."""

ALIEN_KILL_MAX_POINTS = 30
"""An alien is worth 5..30 points; 200 points (command ship, other player hit) is not a kill."""


def launchers(ram: np.ndarray, armed: tuple[bool, bool]) -> tuple[bool, bool]:
    """Which players launched a missile on the frame whose 128-byte `ram` is given.

    Only an `armed` player (one that pressed fire while holding a bullet) can be the shooter.
    """
    launched = [False, False]
    for slot in (0, 1):
        if ram[MISSILE_Y[slot]] != LAUNCH_Y:
            continue
        x = int(ram[MISSILE_X[slot]])
        for player in (0, 1):
            if armed[player] and not launched[player] and x == ram[PLAYER_X[player]] + LAUNCH_DX:
                launched[player] = True
                break
    return launched[0], launched[1]


def missile_in_flight(ram: np.ndarray) -> bool:
    """Whether either player's missile is still on the screen, given the 128 RAM bytes."""
    return any(ram[y] != NO_MISSILE for y in MISSILE_Y)


def is_alien_kill(points: int) -> bool:
    """Whether a per-frame score change of `points` (game points, one player) is an alien kill."""
    return 0 < points <= ALIEN_KILL_MAX_POINTS
