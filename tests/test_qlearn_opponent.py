"""The nested-loop opponent: tabular Q-learners whose Q-table restarts every leader episode,
every leader update or never."""

import copy

import numpy as np
import pytest

from stackmeta_lite.games.bimatrix import make_game
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.learners.qlearning import QLearningConfig
from stackmeta_lite.method.qlearn_opponent import RESETS, QLearningOpponent

BOS = IteratedGame(make_game("battle_of_the_sexes"), horizon=1)
LEADERS_CHOICE, FOLLOWERS_CHOICE = np.zeros((20, 5), int), np.ones((20, 5), int)
ONE_SHOT = QLearningConfig(lr=0.5, epsilon=0.0, episodes=1)
"""One greedy episode per leader episode: a follower that once met the leader at its own
restaurant (Q > 0) keeps going there, as a miss pays 0; a tie is broken at random."""


def test_fresh_q_learners_reply_to_a_stochastic_leader():
    iterated = IteratedGame(make_game("prisoners_dilemma"))
    respond = QLearningOpponent(iterated, QLearningConfig(episodes=200), np.random.default_rng(0))
    always_c = np.tile([1.0, 0.0], (5, 1))  # the leader cooperates in every state
    tables = respond.reply(np.zeros((4, 5), dtype=int), always_c)
    assert tables.shape == (4, 5) and np.all(tables[:, 0] == 1)  # defect at the start
    assert not respond.queried and respond.episode_cost == 201
    with pytest.raises(ValueError, match="reply trains fresh learners: it needs reset='episode'"):
        QLearningOpponent(iterated, ONE_SHOT, np.random.default_rng(0), "update").reply(
            np.zeros((4, 5), dtype=int), always_c
        )


def test_per_update_follower_keeps_its_q_table_across_the_episodes_of_an_update():
    update = QLearningOpponent(BOS, ONE_SHOT, np.random.default_rng(0), "update")
    returns = update(FOLLOWERS_CHOICE)
    met = returns == 1.0  # the follower came to its own restaurant
    first = int(np.argmax(met))
    assert first > 0 and met[first:].all()  # once it met the leader there, it stays
    episode = QLearningOpponent(BOS, ONE_SHOT, np.random.default_rng(0), "episode")
    met = episode(FOLLOWERS_CHOICE) == 1.0
    assert met.any() and not met[np.argmax(met) :].all()  # fresh learners forget it again


def test_per_update_follower_starts_each_update_from_zeros_and_never_does_not():
    update = QLearningOpponent(BOS, ONE_SHOT, np.random.default_rng(1), "update")
    never = QLearningOpponent(BOS, ONE_SHOT, np.random.default_rng(1), "never")
    np.testing.assert_array_equal(update(FOLLOWERS_CHOICE), never(FOLLOWERS_CHOICE))
    np.testing.assert_array_equal(update.q_tables, never.q_tables)  # the same first update
    assert update.q_tables[0, 0, 1] > 1.0  # it learned to go to its own restaurant
    fresh = QLearningOpponent(BOS, ONE_SHOT, copy.deepcopy(update.rng), "update")
    returns = update(LEADERS_CHOICE)
    np.testing.assert_array_equal(returns, fresh(LEADERS_CHOICE))
    np.testing.assert_array_equal(update.q_tables, fresh.q_tables)  # restarted from zeros
    assert returns[-1] == 2.0  # and found the leader at the leader's restaurant
    assert (never(LEADERS_CHOICE) == 0.0).all()  # the carried-over table never leaves its own


def test_every_reset_is_seeded_and_costs_the_same_steps():
    tables = np.random.default_rng(2).integers(0, 2, (10, 5))
    for reset in RESETS:
        runs = [
            QLearningOpponent(BOS, QLearningConfig(episodes=5), np.random.default_rng(3), reset)
            for _ in range(2)
        ]
        np.testing.assert_array_equal(runs[0](tables), runs[1](tables))
        np.testing.assert_array_equal(runs[0].replies, runs[1].replies)
        assert runs[0].episode_cost == 6  # 5 Q-learning episodes + the greedy one


@pytest.mark.parametrize(
    ("reset", "message"),
    [
        ("updates", "unknown reset 'updates'; allowed: update, episode, never"),
        (True, r"reset must be a string, one of: update, episode, never; got True \(bool\)"),
    ],
)
def test_a_bad_reset_is_refused_by_name(reset, message):
    with pytest.raises(ValueError, match=message):
        QLearningOpponent(BOS, ONE_SHOT, np.random.default_rng(0), reset)
