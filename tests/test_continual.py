"""Continual training (``method/continual.py``): the follower keeps learning while the leader
trains, on the tables the leader samples, and every one of its episodes is counted."""

import numpy as np
import pytest

from stackmeta_lite.experiments.run import RunConfig, run
from stackmeta_lite.games.iterated import IteratedGame, StepCounter
from stackmeta_lite.games.solver import GAP_TOLERANCE
from stackmeta_lite.learners.pg import PGConfig
from stackmeta_lite.learners.ppo import PPOConfig
from stackmeta_lite.method.continual import ContinualFollower
from stackmeta_lite.method.followers import CriticConfig, keep_training
from stackmeta_lite.method.followers.base import follower_replies
from stackmeta_lite.method.followers.critic import new_actor_critic
from stackmeta_lite.method.pretrain import table_gaps


def test_a_follower_that_keeps_training_learns_the_leader_it_faces():
    # An untrained follower is not exact on the first table where its all-zero logits are
    # wrong; after a few continual updates against that table alone it is, and no other table
    # was played.
    iterated = IteratedGame("prisoners_dilemma")
    config = CriticConfig()
    follower = new_actor_critic(iterated, config)
    code = np.flatnonzero(table_gaps(follower, iterated) > GAP_TOLERANCE)[0]
    table = iterated.leader_tables()[[code]]
    steps = StepCounter()
    respond = ContinualFollower(iterated, follower, config, 5, np.random.default_rng(0), steps)
    for _ in range(10):
        returns = respond(np.repeat(table, 3, axis=0))
    assert returns.shape == (3,)
    assert table_gaps(follower, iterated)[code] <= GAP_TOLERANCE
    per_call = 5 * config.episodes_per_batch * iterated.steps_per_episode(with_queries=True)
    assert steps.with_queries == 10 * per_call
    assert (follower.tried.reshape(iterated.n_states, -1, 2).sum((0, 2)) > 0).sum() == 1


def test_replies_are_the_followers_as_it_stood_after_each_update():
    iterated = IteratedGame("deadlock")
    config = CriticConfig()
    follower = new_actor_critic(iterated, config)
    respond = ContinualFollower(
        iterated, follower, config, 1, np.random.default_rng(1), StepCounter()
    )
    tables = iterated.leader_tables()[[3, 17, 30]]
    for table in tables:
        respond(table[None])
    replies = respond.replies(tables)
    assert replies.shape == (3, iterated.n_states)
    np.testing.assert_array_equal(replies[-1], follower_replies(follower, iterated, tables[-1:])[0])


def test_only_learners_that_train_on_chosen_leaders_can_keep_training():
    iterated = IteratedGame("deadlock")
    with pytest.raises(ValueError, match="CriticConfig.*paper's PG"):
        keep_training(None, iterated, PGConfig(), iterated.leader_tables()[:1], 1, None)
    with pytest.raises(ValueError, match="updates must be an integer >= 1, got 0"):
        ContinualFollower(
            iterated, None, CriticConfig(), 0, np.random.default_rng(0), StepCounter()
        )


def test_continual_runs_count_the_followers_steps_and_are_reproducible():
    short = PPOConfig(lr=0.008, batch_steps=500, iterations=3, epochs=10, init_std=0.1)
    frozen = run("deadlock", 3, "meta_ppo_ac_continual", RunConfig(leader=short, continual=0))
    kept = run("deadlock", 3, "meta_ppo_ac_continual", RunConfig(leader=short))
    again = run("deadlock", 3, "meta_ppo_ac_continual", RunConfig(leader=short))
    per_update = CriticConfig().episodes_per_batch * 15  # one follower update, queries counted
    extra = kept["steps_with_queries"] - frozen["steps_with_queries"]
    if (kept["repairs"] == 0).all() and (frozen["repairs"] == 0).all():
        assert extra.tolist() == [per_update * k for k in (1, 2, 3)]
    assert kept.equals(again)


@pytest.mark.parametrize(
    ("method", "continual", "message"),
    [
        ("meta_ppo", 1, "needs the meta opponent and table commitment, got 'meta' and 'step'"),
        ("ppo_qlearn_table", 2, "got 'qlearn' and 'table'"),
    ],
)
def test_continual_training_is_refused_where_it_cannot_run(method, continual, message):
    with pytest.raises(ValueError, match=message):
        run("deadlock", 0, method, RunConfig(continual=continual))


def test_a_negative_continual_count_is_refused():
    with pytest.raises(ValueError, match="continual must be an integer >= 0, got -1"):
        RunConfig(continual=-1)
