"""Load the two-player Space Invaders emulator; the only module that imports the Atari packages."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

INSTALL_HINT = "install the Atari extra with: pip install -e '.[atari]'"

TWO_PLAYER_MODE = 33
"""Space Invaders game mode for two-player simultaneous play (33..64 add variations)."""
ROM_BYTES = 4096
ROM_SHA256 = "7224b17462b992d67f4e06a3c85f269c9822b06df6015bf038b55f384ced0301"
"""Size and SHA-256 of the Space Invaders ROM that ale-py ships (ALE's md5 72ffbef6...)."""


def check_rom(rom: Path) -> Path:
    """Return ``rom`` if it is the Space Invaders ROM, else raise a ValueError saying what is wrong.

    The emulator must never see another file: a corrupt ROM exits the interpreter and a wrong one
    can crash it, with no Python exception to catch.
    """
    rom = Path(rom)
    if not rom.is_file():
        raise FileNotFoundError(f"no Space Invaders ROM at {rom}; {INSTALL_HINT}")
    data = rom.read_bytes()
    if len(data) != ROM_BYTES:
        raise ValueError(
            f"{rom} has {len(data)} bytes, but the Space Invaders ROM has {ROM_BYTES}; "
            f"{INSTALL_HINT}"
        )
    digest = hashlib.sha256(data).hexdigest()
    if digest != ROM_SHA256:
        raise ValueError(
            f"{rom} is not the Space Invaders ROM (sha256 {digest}, expected {ROM_SHA256}); "
            f"{INSTALL_HINT}"
        )
    return rom


def make_emulator(mode: int = TWO_PLAYER_MODE, rom: Path | None = None) -> Any:
    """Return a `multi_agent_ale_py.ALEInterface` with the Space Invaders ROM in two-player `mode`.

    ``rom`` defaults to the ROM inside ale-py; it is checked (size, SHA-256) before loading.
    Sticky actions are off (repeat_action_probability 0.0), so the emulator is deterministic.
    """
    if isinstance(mode, bool) or not isinstance(mode, int) or not 33 <= mode <= 64:
        raise ValueError(f"mode must be a two-player Space Invaders mode in 33..64, got {mode!r}")
    try:
        import multi_agent_ale_py
        from ale_py.roms import get_rom_path
    except ImportError as err:
        raise ImportError(f"the Atari emulator is missing ({err}); {INSTALL_HINT}") from err
    if rom is None:
        try:
            rom = get_rom_path("space_invaders")
        except OSError as err:  # a missing or unreadable ROM folder
            raise FileNotFoundError(
                f"the Space Invaders ROM is unusable ({err}); {INSTALL_HINT}"
            ) from err
        if rom is None:
            raise FileNotFoundError(f"ale-py has no Space Invaders ROM; {INSTALL_HINT}")
    rom = check_rom(rom)
    multi_agent_ale_py.ALEInterface.setLoggerMode(multi_agent_ale_py.ALEInterface.Logger.Error)
    ale = multi_agent_ale_py.ALEInterface()
    ale.setFloat("repeat_action_probability", 0.0)
    ale.loadROM(str(rom))
    ale.setMode(mode)
    ale.reset_game()
    return ale
