"""The actor-critic follower (``followers/critic.py``): a learned contextual policy."""

from dataclasses import replace

import numpy as np
import pytest

from stackmeta_lite.games.iterated import IteratedGame, StepCounter, expected_returns
from stackmeta_lite.games.solver import GAP_TOLERANCE
from stackmeta_lite.method.followers import CriticConfig, follower_kind
from stackmeta_lite.method.followers.critic import (
    fine_tune_critic,
    new_actor_critic,
    train_critic,
)
from stackmeta_lite.method.pretrain import pretrain_follower, table_gaps


def test_the_critic_learns_the_returns_of_the_actor_it_follows():
    # A frozen uniform actor: once every (observation, action) is tried, fixed-horizon TD
    # settles on the uniform policy's expected return from the start, for every leader table.
    iterated = IteratedGame("deadlock", horizon=4)
    learner = new_actor_critic(iterated, CriticConfig())
    config = CriticConfig(max_steps=6_000, step_size=1e-12, critic_sweeps=8)
    train_critic(learner, iterated, config, np.random.default_rng(0))
    uniform = learner.probabilities()
    np.testing.assert_allclose(uniform, 0.5, atol=1e-9)
    tables = iterated.leader_tables()
    _, exact = expected_returns(iterated, tables, np.full((32, iterated.n_states, 2), 0.5))
    start = iterated.follower_observation(np.zeros(32, int), np.arange(32))
    assert (learner.tried[start] > 0).all()
    learned = (learner.q[4, start] * uniform[start]).sum(-1)
    np.testing.assert_allclose(learned, exact, atol=1e-3)


def test_pre_training_reaches_exact_replies_on_most_tables_within_its_budget():
    iterated = IteratedGame("prisoners_dilemma")
    result = pretrain_follower(iterated, CriticConfig(max_steps=15_000), seed=3, record_every=5_000)
    exact = [row["tables_exact"] for row in result.history]
    assert result.steps.with_queries <= 15_000
    assert exact[-1] >= 28 and exact[-1] > exact[0]
    assert (table_gaps(result.follower, iterated) <= GAP_TOLERANCE).sum() == exact[-1]


def test_seeded_pre_training_is_reproducible():
    iterated = IteratedGame("hero")
    config = CriticConfig(max_steps=3_000)
    first = pretrain_follower(iterated, config, seed=11).follower
    second = pretrain_follower(iterated, config, seed=11).follower
    np.testing.assert_array_equal(first.logits, second.logits)
    np.testing.assert_array_equal(first.q, second.q)


def test_fine_tuning_works_on_a_copy_and_only_the_frozen_leader():
    iterated = IteratedGame("battle")
    learner = pretrain_follower(iterated, CriticConfig(max_steps=3_000), seed=0).follower
    before = learner.logits.copy()
    played = []
    table = iterated.leader_tables(np.array([5]))
    tuned = fine_tune_critic(
        learner, iterated, CriticConfig(), table, 10, np.random.default_rng(1), played.append
    )
    np.testing.assert_array_equal(learner.logits, before)
    assert played == [CriticConfig().episodes_per_batch] * 10
    changed = np.flatnonzero((tuned.logits != before).any(-1))
    contexts = changed % iterated.n_contexts
    assert changed.size and (contexts == 5).all()
    assert follower_kind(CriticConfig()).name == "actor-critic"


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [
        ("step_size", -0.1, "step_size"),
        ("critic_rate", 1.5, "critic_rate"),
        ("critic_sweeps", 0, "critic_sweeps"),
        ("episodes_per_batch", 0, "episodes_per_batch"),
        ("optimism", -1.0, "optimism"),
        ("optimistic_tries", 0, "optimistic_tries must be an integer >= 1, got 0"),
        ("verify_afresh", "yes", "verify_afresh must be True or False, got 'yes'"),
    ],
)
def test_bad_settings_are_refused_by_name(field, value, allowed):
    with pytest.raises(ValueError, match=allowed):
        CriticConfig(**{field: value})


def test_untried_actions_look_as_good_as_the_best_reward_seen_even_below_zero():
    # Payoffs shifted far below zero: optimism must not turn into pessimism.
    from stackmeta_lite.games.bimatrix import from_cells

    cells = ((-103.0, -103.0), (-100.0, -105.0), (-105.0, -100.0), (-104.0, -104.0))
    iterated = IteratedGame(from_cells("shifted", cells), horizon=3)
    learner = new_actor_critic(iterated, CriticConfig())
    config = CriticConfig(max_steps=8, episodes_per_batch=1, critic_sweeps=1)
    train_critic(learner, iterated, config, np.random.default_rng(0))
    best = learner.replay[2].max()  # one batch of one episode
    untried = learner.tried == 0
    assert untried.any()
    np.testing.assert_allclose(learner.q[3][untried], 3 * best)


def test_actions_stay_optimistic_until_tried_often_enough():
    # One batch of one episode, a critic that barely moves: an action tried once starts from 0
    # (its first value) when one try is enough, from the optimistic value when three are needed.
    iterated = IteratedGame("deadlock", horizon=3)
    values = {}
    for tries in (1, 3):
        learner = new_actor_critic(iterated, CriticConfig())
        config = CriticConfig(
            max_steps=15, episodes_per_batch=1, critic_rate=1e-12, optimistic_tries=tries
        )
        train_critic(learner, iterated, config, np.random.default_rng(0))
        once = learner.tried == 1
        assert once.any()
        values[tries] = (learner.q[3][once], 3 * learner.replay[2].max())
    np.testing.assert_allclose(values[1][0], 0.0, atol=1e-9)
    np.testing.assert_allclose(values[3][0], values[3][1])


def test_verifying_afresh_catches_a_mistake_the_plain_fine_tuning_passes():
    # prisoner's delight, seed 1005: the leader trained against a follower that keeps training
    # ends at a table where the follower's reply is wrong, but the follower tried the better
    # first move once and its critic wrote it off. Fine-tuned as it is, it never tries it again;
    # afresh, it forgets that one table, re-tries every action and gains.
    from stackmeta_lite.method.continual import ContinualFollower
    from stackmeta_lite.method.leader import train_table_leader
    from stackmeta_lite.method.presets import CRITIC_FOLLOWER, LEADER_PPO_CONTINUAL
    from stackmeta_lite.method.verify import verify

    iterated = IteratedGame("prisoners_delight")
    learner = pretrain_follower(iterated, CRITIC_FOLLOWER, seed=1005).follower
    steps = StepCounter()
    rng = np.random.default_rng((1005, 1))
    respond = ContinualFollower(iterated, learner, CRITIC_FOLLOWER, 1, rng, steps)
    table = train_table_leader(iterated, respond, LEADER_PPO_CONTINUAL, 1005, steps).tables[-1]
    as_is = verify(learner, iterated, table, replace(CRITIC_FOLLOWER, verify_afresh=False), 1005)
    afresh = verify(learner, iterated, table, CRITIC_FOLLOWER, 1005)
    assert not as_is.best_responding and as_is.passed  # the paper's check misses it
    assert not afresh.passed and afresh.finetune_improvement > 0
    tuned = afresh.fine_tuned
    assert verify(tuned, iterated, table, CRITIC_FOLLOWER, 1005).best_responding
    others = ~np.isin(
        np.arange(len(learner.logits)) % iterated.n_contexts, iterated.context(table[None])
    )
    np.testing.assert_array_equal(tuned.logits[others], learner.logits[others])
