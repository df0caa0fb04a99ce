"""Which game a name or a game object stands for, once per sweep, and its key in run stores:
the one resolution the runs, sweeps and command line share (names through
``bimatrix.game_name``, so old spellings warn)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence

from stackmeta_lite.games.bimatrix import KNOWN_GAMES, BimatrixGame, check_game, make_game


def game_names(names: Sequence[str]) -> list[str]:
    """Each name resolved by ``game_name``, or a ValueError if two resolve to the same game (an
    old spelling next to its new one counts twice)."""
    return [game.name for game in _once(names, make_game)]


def resolve_game(game: str | BimatrixGame) -> BimatrixGame:
    """``game`` itself if it is a ``BimatrixGame``, else the catalog game it names (``make_game``:
    old spellings are accepted with a warning)."""
    if isinstance(game, BimatrixGame):
        return game
    if not isinstance(game, str):
        raise ValueError(
            f"a game must be a game's name or a BimatrixGame, got {game!r} ({type(game).__name__})"
        )
    return make_game(game)


def resolve_games(games: Sequence[str | BimatrixGame]) -> list[BimatrixGame]:
    """Each game resolved by ``resolve_game``, or a ValueError if two share a name: results tell
    games apart by name (an old spelling next to its new one counts twice, and two different
    games called "custom" need names of their own)."""
    return _once(games, resolve_game)


def _once(games: Sequence, resolve: Callable[[object], BimatrixGame]) -> list[BimatrixGame]:
    """``games`` resolved one by one, each name once, or a ValueError naming the two given."""
    if isinstance(games, str | BimatrixGame):
        raise ValueError(
            f"games must be a list of names such as [{_given(games)}], got {_given(games)}"
        )
    games = list(games)
    resolved = [resolve(game) for game in games]
    seen: dict[str, tuple[object, BimatrixGame]] = {}
    for given, game in zip(games, resolved, strict=True):
        if game.name in seen:
            first, other = seen[game.name]
            both = "are both" if other == game else "are different games both named"
            raise ValueError(
                f"each game may appear once: {_given(first)} and {_given(given)} {both} "
                f"{game.name!r}"
            )
        seen[game.name] = given, game
    return resolved


def _given(game: object) -> str:
    return f"the BimatrixGame {game.name!r}" if isinstance(game, BimatrixGame) else repr(game)


def game_key(game: BimatrixGame) -> str:
    """The game's identity in run stores: a catalog game's name, else its name (letters, digits,
    ``._-``; others become ``_``) and a short hash of its name, actions, offset and payoffs, so
    two different games called "custom" never share a key and equal games always do."""
    check_game(game)
    if game.name in KNOWN_GAMES and game == make_game(game.name):
        return game.name
    name, leader_actions, follower_actions, offset, shape, leader, follower = game._key()
    digest = hashlib.sha256(repr((name, leader_actions, follower_actions, offset, shape)).encode())
    digest.update(leader)
    digest.update(follower)
    return f"{re.sub(r'[^A-Za-z0-9._-]', '_', name)[:64]}-{digest.hexdigest()[:10]}"
