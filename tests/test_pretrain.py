"""Meta pre-training (phase 1 of Algorithm 1): any follower learner, its curve and its misses."""

import numpy as np

from stackmeta_lite.games.bimatrix import make_game
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.learners.pg import PGConfig
from stackmeta_lite.learners.policy import CategoricalPolicy
from stackmeta_lite.method.pretrain import pretrain_follower, table_gaps

SMALL_PRETRAIN = PGConfig(lr=0.05, iterations=300, baseline="step")


def test_pretraining_drives_the_gap_to_zero_on_a_small_game():
    iterated = IteratedGame(make_game("harmony"), horizon=3)
    untrained = CategoricalPolicy(iterated.n_follower_observations, 2)
    untrained.net.weight.data[1] = 1.0  # a follower that always defects
    assert table_gaps(untrained, iterated).mean() > 0.3
    result = pretrain_follower(iterated, SMALL_PRETRAIN, seed=0, record_every=100)
    assert result.history[-1]["best_response_gap"] == 0.0
    assert result.steps.with_queries == 300 * 13 * 8  # 8 episodes of 3 + 5 steps per batch
    assert result.steps.plain == 300 * 3 * 13


def test_pretraining_is_reproducible():
    iterated = IteratedGame(make_game("chicken"))
    config = PGConfig(iterations=20)
    a = pretrain_follower(iterated, config, seed=5).follower.probabilities()
    b = pretrain_follower(iterated, config, seed=5).follower.probabilities()
    c = pretrain_follower(iterated, config, seed=6).follower.probabilities()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
