"""Save and load a trained (follower, leader) pair: the follower's weights, the leader's table and
the game they were trained on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from stackmeta_lite.games import BimatrixGame
from stackmeta_lite.iterated import IteratedGame
from stackmeta_lite.learners.policy import CategoricalPolicy


def save_pair(
    path: str | Path,
    iterated: IteratedGame,
    follower: CategoricalPolicy,
    leader_table: np.ndarray,
    hidden: int | None = None,
) -> None:
    """Write the pair to ``path`` (a torch file)."""
    game = iterated.game
    torch.save(
        {
            "game": {
                "name": game.name,
                "leader_payoffs": game.leader_payoffs.tolist(),
                "follower_payoffs": game.follower_payoffs.tolist(),
                "leader_actions": list(game.leader_actions),
                "follower_actions": list(game.follower_actions),
                "offset": game.offset,
            },
            "horizon": iterated.horizon,
            "hidden": hidden,
            "follower": follower.state_dict(),
            "leader_table": [int(a) for a in iterated.check_leader_tables(leader_table)],
        },
        Path(path),
    )


def load_pair(path: str | Path) -> tuple[IteratedGame, CategoricalPolicy, np.ndarray]:
    """Read a pair written by ``save_pair``: (iterated game, follower, leader table)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    data = torch.load(path, weights_only=True)
    spec = data["game"]
    game = BimatrixGame(
        np.array(spec["leader_payoffs"]),
        np.array(spec["follower_payoffs"]),
        name=spec["name"],
        leader_actions=tuple(spec["leader_actions"]),
        follower_actions=tuple(spec["follower_actions"]),
        offset=spec["offset"],
    )
    iterated = IteratedGame(game, data["horizon"])
    follower = CategoricalPolicy(
        iterated.n_follower_observations, iterated.n_follower_actions, data["hidden"]
    )
    follower.load_state_dict(data["follower"])
    return iterated, follower, iterated.check_leader_tables(np.array(data["leader_table"]))
