"""Batched rollouts: step-by-step rollouts and whole-table play agree with the game's rules."""

import numpy as np

from stackmeta_lite.games.batched import play_tables, rollout
from stackmeta_lite.games.iterated import IteratedGame

PD = IteratedGame("prisoners_dilemma")


def test_tit_for_tat_against_always_cooperate():
    tit_for_tat = np.array([0, 0, 0, 1, 1])  # copy the follower's last action
    episode = play_tables(PD, tit_for_tat, np.zeros(5, int))
    assert episode["leader_rewards"].sum() == 30
    np.testing.assert_array_equal(episode["states"][0], [0] + [1] * 9)


def test_rollout_and_play_tables_agree():
    rng = np.random.default_rng(0)
    leaders = rng.integers(0, 2, (50, 5))
    followers = rng.integers(0, 2, (50, 5))
    rows = np.arange(50)
    a = play_tables(PD, leaders, followers)
    b = rollout(PD, leaders, lambda _, states, __: followers[rows, states], centred=True)
    np.testing.assert_allclose(a["leader_rewards"] - 2.5, b["leader_rewards"])
    np.testing.assert_array_equal(
        b["observations"], b["states"] * 32 + PD.context(leaders)[:, None]
    )


def test_play_tables_with_a_time_aware_follower():
    # Against tit-for-tat, cooperate for nine steps and defect on the last: 27 + 4 for the
    # follower, 27 + 1 for the leader.
    tit_for_tat = np.array([0, 0, 0, 1, 1])
    policy = np.zeros((1, 10, 5), dtype=int)
    policy[0, -1] = 1
    episode = play_tables(PD, tit_for_tat, policy)
    assert episode["follower_rewards"].sum() == 31 and episode["leader_rewards"].sum() == 28
    np.testing.assert_array_equal(episode["follower_actions"][0], [0] * 9 + [1])
