"""The network follower (``followers/network.py``): time-aware, generalising across leaders."""

import numpy as np
import pytest

from stackmeta_lite.games.bigger import BIGGER_GAMES
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.method.followers.network import (
    NetworkConfig,
    NetworkFollower,
    held_out_gaps,
    train_network,
)

QUICK = NetworkConfig(max_steps=6_000, episodes_per_batch=8, updates=16, hidden=64)


def test_it_learns_best_responses_on_leader_tables_it_never_met():
    # Trained on random tables of the 2x2 dilemma, scored on all 32 tables: most of them it
    # played against rarely or never, and it replies exactly to far more than before training.
    iterated = IteratedGame("prisoners_dilemma", horizon=4)
    tables = iterated.leader_tables()
    untrained = held_out_gaps(NetworkFollower(iterated, QUICK.hidden), tables)
    follower, steps = train_network(iterated, QUICK, seed=0)
    gaps = held_out_gaps(follower, tables)
    assert steps <= QUICK.max_steps
    assert (gaps >= -1e-9).all()  # never better than a best response: the measure is exact
    assert (gaps <= 1e-9).mean() >= 0.9 > (untrained <= 1e-9).mean()


def test_same_seed_same_follower():
    iterated = IteratedGame("hero", horizon=3)
    config = NetworkConfig(max_steps=600, episodes_per_batch=4, updates=2, hidden=16)
    first, _ = train_network(iterated, config, seed=5)
    second, _ = train_network(iterated, config, seed=5)
    tables = iterated.leader_tables()
    np.testing.assert_array_equal(
        first(tables, np.zeros(32, int)).detach(), second(tables, np.zeros(32, int)).detach()
    )


def test_a_3x3_game_fits_without_a_table_of_contexts():
    iterated = IteratedGame(BIGGER_GAMES["inspection"], horizon=3)
    follower, _ = train_network(iterated, NetworkConfig(max_steps=400, updates=1, hidden=16), 0)
    tables = np.random.default_rng(1).integers(0, 3, (20, iterated.n_states))
    assert held_out_gaps(follower, tables).shape == (20,)
    assert sum(p.numel() for p in follower.parameters()) < 10_000  # not 59,049 contexts


@pytest.mark.parametrize(
    ("field", "value"), [("lr", 0.0), ("hidden", 0), ("epsilon_end", 0.5), ("updates", -1)]
)
def test_bad_settings_are_refused_by_name(field, value):
    with pytest.raises(ValueError, match=field):
        NetworkConfig(**{field: value})
