"""The baseline's opponent: fresh tabular Q-learners trained against every leader episode."""

import numpy as np

from stackmeta_lite.games.bimatrix import make_game
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.learners.qlearning import QLearningConfig
from stackmeta_lite.method.qlearn_opponent import QLearningOpponent


def test_fresh_q_learners_reply_to_a_stochastic_leader():
    iterated = IteratedGame(make_game("prisoners_dilemma"))
    respond = QLearningOpponent(iterated, QLearningConfig(episodes=200), np.random.default_rng(0))
    always_c = np.tile([1.0, 0.0], (5, 1))  # the leader cooperates in every state
    tables = respond.reply(np.zeros((4, 5), dtype=int), always_c)
    assert tables.shape == (4, 5) and np.all(tables[:, 0] == 1)  # defect at the start
    assert not respond.queried and respond.episode_cost == 201
