"""A game as plain data: the JSON payoff file of the command line (``--game-file``) and the game
entry of a checkpoint. Its keys are ``BimatrixGame``'s fields::

    {"name": "my_game",
     "leader_payoffs": [[3, 1], [4, 2]],
     "follower_payoffs": [[3, 4], [1, 2]],
     "leader_actions": ["C", "D"], "follower_actions": ["C", "D"]}

One row per leader action, one column per follower action, both matrices of one shape; the action
names and ``offset`` (the reward centre, default the mean payoff) are optional.
"""

from __future__ import annotations

import json
from pathlib import Path

from stackmeta_lite.games.bimatrix import BimatrixGame

REQUIRED = ("name", "leader_payoffs", "follower_payoffs")
OPTIONAL = ("leader_actions", "follower_actions", "offset")
EXAMPLE = (
    '{"name": "my_game", "leader_payoffs": [[3, 1], [4, 2]], "follower_payoffs": [[3, 4], [1, 2]]}'
)


def game_to_dict(game: BimatrixGame) -> dict[str, object]:
    """The game as JSON-ready data that ``game_from_dict`` reads back equal."""
    return {
        "name": game.name,
        "leader_payoffs": game.leader_payoffs.tolist(),
        "follower_payoffs": game.follower_payoffs.tolist(),
        "leader_actions": list(game.leader_actions),
        "follower_actions": list(game.follower_actions),
        "offset": game.offset,
    }


def game_from_dict(data: object) -> BimatrixGame:
    """The game ``data`` describes (see the module docstring), or a ValueError naming the missing,
    unknown or bad entry."""
    if not isinstance(data, dict):
        raise ValueError(f"a game must be an object with the keys {list(REQUIRED)}, got {data!r}")
    missing = [key for key in REQUIRED if key not in data]
    unknown = sorted(str(key) for key in data if key not in REQUIRED + OPTIONAL)
    if missing or unknown:
        raise ValueError(
            f"a game needs the keys {list(REQUIRED)} and may have {list(OPTIONAL)}; "
            f"missing {missing}, unknown {unknown}"
        )
    return BimatrixGame(**data)


def read_game(path: str | Path) -> BimatrixGame:
    """The game of a JSON payoff file, or an error naming the file and what is wrong with it."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no game file at {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:  # unreadable, not UTF-8 or not JSON
        raise ValueError(
            f"game file {path} is not readable JSON ({error}); e.g. {EXAMPLE}"
        ) from None
    try:
        return game_from_dict(data)
    except ValueError as error:
        raise ValueError(
            f"game file {path}: {error}. A game file holds one row per leader action and one "
            f"column per follower action in both matrices, e.g. {EXAMPLE}"
        ) from None
