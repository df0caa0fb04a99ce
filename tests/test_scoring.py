"""Scoring: equilibrium values only where the follower best-responds, never above the optimum."""

import pandas as pd
import pytest

from stackmeta_lite.experiments.run import RunConfig, run
from stackmeta_lite.experiments.scoring import add_optima
from stackmeta_lite.experiments.summaries import steps_to_optimum
from stackmeta_lite.games.bimatrix import make_game
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.learners.pg import PGConfig
from stackmeta_lite.learners.ppo import PPOConfig


def test_unverified_values_are_never_equilibrium_values():
    # The old gradient follower has a mistake here, and the old table-committing leader from
    # zero logits exploits it.
    weak = PGConfig(lr=0.05, batch_steps=100, iterations=200, gamma=0.9, baseline="step")
    old_leader = PPOConfig(batch_steps=500, iterations=20, init_std=0.0)
    table = run("prisoners_delight", 1, "meta_ppo_table", RunConfig(weak, old_leader))
    unverified = table[~table["best_responding"]]
    assert len(unverified) > 0 and unverified["equilibrium_value"].isna().all()
    assert not steps_to_optimum(table)["success"].item()


def test_an_equilibrium_value_above_the_exact_optimum_is_a_bug():
    iterated = IteratedGame(make_game("prisoners_dilemma"))
    rows = pd.DataFrame(
        {"leader_table": ["10011"], "leader_value": [3.2], "best_response_gap": [0.0]}
    )
    with pytest.raises(RuntimeError, match="exceeds the exact strong Stackelberg value 3.1"):
        add_optima(iterated, rows)
    # With a follower that is not best-responding it is only flagged.
    rows = pd.DataFrame(
        {"leader_table": ["10011"], "leader_value": [3.2], "best_response_gap": [0.5]}
    )
    assert add_optima(iterated, rows)["equilibrium_value"].isna().all()
