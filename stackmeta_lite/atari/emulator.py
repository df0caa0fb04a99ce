"""Load the two-player Space Invaders emulator; the only module that imports the Atari packages."""

from __future__ import annotations

from typing import Any

INSTALL_HINT = "install the Atari extra with: pip install -e '.[atari]'"

TWO_PLAYER_MODE = 33
"""Space Invaders game mode for two-player simultaneous play (33..64 add variations)."""


def make_emulator(mode: int = TWO_PLAYER_MODE) -> Any:
    """Return a `multi_agent_ale_py.ALEInterface` with the Space Invaders ROM in two-player `mode`.

    Sticky actions are off (repeat_action_probability 0.0), so the emulator is deterministic.
    """
    if not 33 <= mode <= 64:
        raise ValueError(f"mode must be a two-player Space Invaders mode in 33..64, got {mode}")
    try:
        import multi_agent_ale_py
        from ale_py.roms import get_rom_path
    except ImportError as err:
        raise ImportError(f"the Atari emulator is missing ({err}); {INSTALL_HINT}") from err
    try:
        rom = get_rom_path("space_invaders")
    except OSError as err:  # a missing or corrupt ROM folder or file
        raise FileNotFoundError(
            f"the Space Invaders ROM is unusable ({err}); {INSTALL_HINT}"
        ) from err
    if rom is None or not rom.exists():
        raise FileNotFoundError(f"ale-py has no Space Invaders ROM; {INSTALL_HINT}")
    multi_agent_ale_py.ALEInterface.setLoggerMode(multi_agent_ale_py.ALEInterface.Logger.Error)
    ale = multi_agent_ale_py.ALEInterface()
    ale.setFloat("repeat_action_probability", 0.0)
    ale.loadROM(str(rom))
    ale.setMode(mode)
    ale.reset_game()
    return ale
