"""Save and load a trained (follower, leader) pair: the follower, the leader's table and the game
they were trained on, checked on save and on load with messages that say what is wrong.

The follower is kept as a gradient policy's weights (its architecture is read from them), or, for
any other learner (the reply search, the model-based follower), as its greedy table over the
(state, context) observations, which is all the leader ever sees of it. The file is a torch file
of plain data (loaded with ``weights_only=True``, so it cannot run code).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from stackmeta_lite.common.files import atomic_file
from stackmeta_lite.common.validation import check_action_array, check_type
from stackmeta_lite.games.game_file import game_from_dict, game_to_dict
from stackmeta_lite.games.iterated import IteratedGame, check_iterated
from stackmeta_lite.learners.policy import CategoricalPolicy
from stackmeta_lite.method.followers import Follower, GreedyFollower

FORMAT = 1
_KEYS = ("format", "game", "horizon", "follower", "leader_table")
_GREEDY_TABLE = "greedy_table"


def save_pair(
    path: str | Path,
    iterated: IteratedGame,
    follower: Follower,
    leader_table: np.ndarray,
) -> None:
    """Write the pair to ``path`` (a torch file, atomically), after checking that it can be
    loaded back. ``follower``: a ``CategoricalPolicy`` or any follower with ``greedy()``."""
    path = Path(check_type("path", path, (str, Path), "a file path (str or Path)"))
    check_iterated(iterated)
    if isinstance(follower, CategoricalPolicy):
        weights = {name: tensor.detach().clone() for name, tensor in follower.state_dict().items()}
    elif callable(getattr(follower, "greedy", None)):
        weights = {_GREEDY_TABLE: torch.as_tensor(np.asarray(follower.greedy()))}
    else:
        raise ValueError(
            f"follower must be a CategoricalPolicy or have greedy(), got {type(follower).__name__}"
        )
    _check_weights(weights, iterated, "follower")
    table = iterated.check_leader_tables(np.asarray(leader_table))
    if table.shape != (iterated.n_states,):
        raise ValueError(f"leader table must have shape ({iterated.n_states},), got {table.shape}")
    data = {
        "format": FORMAT,
        "game": game_to_dict(iterated.game),
        "horizon": iterated.horizon,
        "follower": weights,
        "leader_table": table.tolist(),
    }
    with atomic_file(path, "wb") as file:  # an interrupted save leaves no half-written file
        torch.save(data, file)


def load_pair(path: str | Path) -> tuple[IteratedGame, Follower, np.ndarray]:
    """Read a pair written by ``save_pair``: (iterated game, follower, leader table)."""
    path = Path(check_type("path", path, (str, Path), "a file path (str or Path)"))
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    if path.stat().st_size == 0:
        raise ValueError(f"checkpoint {path} is empty (0 bytes)")
    try:
        data = torch.load(path, weights_only=True)
    except Exception as error:  # torch raises many kinds for foreign or damaged files
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise ValueError(
            f"{path} is not a readable stackmeta-lite checkpoint ({type(error).__name__}: "
            f"{first_line})"
        ) from None
    if not isinstance(data, dict):
        raise ValueError(f"checkpoint {path} holds a {type(data).__name__}, not a pair")
    missing = [key for key in _KEYS if key not in data]
    if missing:
        raise ValueError(f"checkpoint {path} lacks the key(s) {missing}; it needs {list(_KEYS)}")
    if data["format"] != FORMAT:
        raise ValueError(f"checkpoint {path} has format {data['format']!r}; expected {FORMAT}")
    try:
        iterated = IteratedGame(game_from_dict(data["game"]), data["horizon"])
        follower = _check_weights(data["follower"], iterated, "follower")
        table = iterated.check_leader_tables(np.array(data["leader_table"]))
        if table.shape != (iterated.n_states,):
            raise ValueError(f"leader table must have {iterated.n_states} entries, got {table}")
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"checkpoint {path} is invalid: {error}") from None
    return iterated, follower, table


def _check_weights(weights: object, iterated: IteratedGame, who: str) -> Follower:
    """The follower of ``iterated``'s size that ``weights`` hold (a policy, or a greedy table),
    or a ValueError saying why."""
    if not isinstance(weights, dict) or not all(
        isinstance(t, torch.Tensor) for t in weights.values()
    ):
        raise ValueError(f"{who} weights must be a dict of tensors")
    if set(weights) == {_GREEDY_TABLE}:
        n_obs = iterated.n_follower_observations
        table = weights[_GREEDY_TABLE].numpy()
        return GreedyFollower(
            check_action_array(f"{who} greedy table", table, iterated.n_follower_actions, (n_obs,))
        )
    for name, tensor in weights.items():
        if not torch.isfinite(tensor).all():
            raise ValueError(f"{who} weight {name!r} contains NaN or infinite values")
    first = weights.get("net.0.weight")  # an MLP's first layer: (hidden, observations)
    hidden = None if first is None else int(first.shape[0])
    n_obs, n_actions = iterated.n_follower_observations, iterated.n_follower_actions
    policy = CategoricalPolicy(n_obs, n_actions, hidden)
    try:
        policy.load_state_dict(weights)
    except RuntimeError:
        shapes = {name: tuple(t.shape) for name, t in weights.items()}
        raise ValueError(
            f"{who} weights {shapes} do not fit this game's follower ({n_obs} observations, "
            f"{n_actions} actions, hidden={hidden})"
        ) from None
    return policy
