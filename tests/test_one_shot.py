"""The one-shot game: the follower's reply to a mixed commitment, the best pure and mixed
commitments, the pure Nash equilibria."""

import numpy as np
import pytest

from stackmeta_lite.games.bimatrix import (
    BATTLE_OF_THE_SEXES,
    BimatrixGame,
    make_game,
)
from stackmeta_lite.games.one_shot import (
    follower_reply,
    mixed_stackelberg,
    pure_nash_equilibria,
    pure_stackelberg,
)


def test_battle_of_the_sexes_one_shot():
    game = make_game(BATTLE_OF_THE_SEXES)
    assert pure_nash_equilibria(game) == [(0, 0), (1, 1)]
    commitment = pure_stackelberg(game)
    assert commitment.leader_payoff == 2 and commitment.follower_action == 0
    mixed = mixed_stackelberg(game)
    assert mixed.leader_payoff == pytest.approx(2.0)


def test_mixed_commitment_can_beat_pure_commitment():
    # Conitzer and Sandholm's example: committing to a mix earns the leader more.
    game = BimatrixGame([[1, 3], [0, 2]], [[1, 0], [0, 1]])
    assert pure_stackelberg(game).leader_payoff == 2
    mixed = mixed_stackelberg(game)
    assert mixed.leader_payoff == pytest.approx(2.5)
    np.testing.assert_allclose(mixed.leader_strategy, [0.5, 0.5])
    assert mixed.follower_action == 1


def test_weak_tie_breaking_in_the_one_shot_game():
    game = BimatrixGame([[1, 3], [2, 2]], [[1, 1], [0, 1]])
    assert pure_stackelberg(game, "strong").leader_payoff == 3
    assert pure_stackelberg(game, "weak").leader_payoff == 2


@pytest.mark.parametrize("factor", [1e-12, 1.0, 1e12])
def test_follower_reply_ties_are_relative_to_the_payoff_range(factor):
    # Commitment example: at p = 1/2 the follower is indifferent between L and R (up to
    # rounding), at any scale.
    leader, follower = np.array([[2.0, 4.0], [1.0, 3.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])
    game = BimatrixGame(leader * factor, follower * factor)
    strong = follower_reply(game, [0.5, 0.5], "strong")
    weak = follower_reply(game, [0.5, 0.5], "weak")
    assert (strong.follower_action, weak.follower_action) == (1, 0)
    assert strong.leader_payoff == pytest.approx(3.5 * factor)
    assert weak.leader_payoff == pytest.approx(1.5 * factor)
    # Just off the tie the reply is unique, whatever the rule.
    for ties in ("strong", "weak"):
        assert follower_reply(game, [0.5 + 1e-6, 0.5 - 1e-6], ties).follower_action == 0
        assert follower_reply(game, [0.5 - 1e-6, 0.5 + 1e-6], ties).follower_action == 1


def test_follower_reply_with_equal_payoffs_goes_to_the_lowest_index():
    game = BimatrixGame(np.ones((2, 2)), np.ones((2, 2)))
    assert follower_reply(game, [0.3, 0.7], "strong").follower_action == 0
    assert follower_reply(game, [0.3, 0.7], "weak").follower_action == 0


@pytest.mark.parametrize(
    "strategy", [[0.5, 0.6], [0.7, 0.7], [1.5, -0.5], [np.nan, 1.0], [1.0], [0.2, 0.3, 0.5]]
)
def test_follower_reply_refuses_a_strategy_that_is_not_a_distribution(strategy):
    with pytest.raises(ValueError, match=r"must have 2 probabilities in \[0, 1\] summing to 1"):
        follower_reply(make_game("chicken"), strategy)


def test_one_shot_solvers_are_scale_free():
    game = BimatrixGame([[1, 3], [0, 2]], [[1, 0], [0, 1]])
    for factor in (1e-12, 1e12):
        scaled = BimatrixGame(game.leader_payoffs * factor, game.follower_payoffs * factor)
        assert mixed_stackelberg(scaled).leader_payoff == pytest.approx(2.5 * factor)
        assert pure_stackelberg(scaled).leader_payoff == pytest.approx(2 * factor)
        assert pure_nash_equilibria(scaled) == pure_nash_equilibria(game)
