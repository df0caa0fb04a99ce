"""Algorithm 1 with the network follower (``method/network_meta.py``,
``experiments/network_run.py``): the leader's view of it, continual training, the verification
and the scored run."""

import numpy as np
import pytest

from stackmeta_lite.experiments.network_run import run_network
from stackmeta_lite.games.iterated import IteratedGame, StepCounter, episodes_per_batch
from stackmeta_lite.learners.ppo import PPOConfig
from stackmeta_lite.method.followers.network import (
    NetworkConfig,
    new_network_learner,
    play,
    pretrain_network,
)
from stackmeta_lite.method.network_meta import NetworkResponse, NetworkRunConfig, verify_network

QUICK = NetworkConfig(max_steps=3_000, episodes_per_batch=8, updates=8, hidden=32)


def test_the_leader_sees_centred_returns_and_a_continual_follower_learns_and_counts():
    iterated = IteratedGame("prisoners_dilemma", horizon=4)
    tables = iterated.leader_tables()[[3, 19, 30]]
    frozen = NetworkResponse(iterated, new_network_learner(iterated, QUICK, 0), 0, StepCounter())
    raw = play(frozen.learner.follower, tables, 0.0, np.random.default_rng(0))[2]
    np.testing.assert_allclose(frozen(tables), raw - 4 * iterated.game.offset)
    assert frozen.steps.with_queries == 0 and len(frozen.learner.memory) == 0
    kept = NetworkResponse(iterated, new_network_learner(iterated, QUICK, 0), 2, StepCounter())
    kept(tables)
    assert kept.steps.with_queries == 2 * QUICK.episodes_per_batch * (4 + iterated.n_states)
    assert len(kept.learner.memory) == 2 * QUICK.episodes_per_batch * 4  # rows: steps played


def test_verification_fine_tunes_a_copy_and_reports_the_gain():
    iterated = IteratedGame("prisoners_dilemma", horizon=4)
    learner = new_network_learner(iterated, QUICK, 1)  # untrained: far from best responses
    table = iterated.leader_tables()[19]  # tit for tat, defecting first
    before = [p.detach().clone() for p in learner.follower.parameters()]
    gain, tuned, steps = verify_network(learner, iterated, table, batches=30)
    assert all((a == b).all() for a, b in zip(before, learner.follower.parameters(), strict=True))
    own = play(learner.follower, table[None], 0.0, np.random.default_rng(0))[1][0]
    new = play(tuned.follower, table[None], 0.0, np.random.default_rng(0))[1][0]
    assert gain == pytest.approx((new - own) / 4) and gain > 0
    assert steps == 30 * QUICK.episodes_per_batch * (4 + iterated.n_states)


def test_a_scored_run_counts_every_step_and_is_reproducible():
    iterated = IteratedGame("prisoners_dilemma", horizon=4)
    leader = PPOConfig(lr=0.008, batch_steps=80, iterations=3, epochs=2, init_std=0.1)
    config = NetworkRunConfig(follower=QUICK, leader=leader, continual=1, verify_batches=2)
    row = run_network(iterated, 7, config)
    assert row == run_network(iterated, 7, config)
    per_episode = 4 + iterated.n_states
    _, pretraining = pretrain_network(iterated, QUICK, 7)
    leader_episodes = 3 * episodes_per_batch(iterated, 80)
    follower_episodes = 3 * QUICK.episodes_per_batch
    verify_episodes = 2 * QUICK.episodes_per_batch
    expected = pretraining + per_episode * (leader_episodes + follower_episodes + verify_episodes)
    assert row["steps_with_queries"] == expected
    assert len(row["leader_table"]) == iterated.n_states
    assert row["value_vs_exact"] <= row["optimum"] + 1e-9  # the optimum is the best table's
    assert row["follower_gap"] >= 0 and row["at_optimum"] == (
        row["follower_gap"] <= 1e-6 and row["leader_value"] >= row["optimum"] - 0.01
    )


def test_bad_run_settings_are_refused_by_name():
    with pytest.raises(ValueError, match="continual must be an integer >= 0, got -1"):
        NetworkRunConfig(continual=-1)
    with pytest.raises(ValueError, match="verify_batches"):
        NetworkRunConfig(verify_batches=0)
