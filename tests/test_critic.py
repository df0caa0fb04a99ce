"""The actor-critic follower (``followers/critic.py``): a learned contextual policy."""

import numpy as np
import pytest

from stackmeta_lite.games.iterated import IteratedGame, expected_returns
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
