"""Solutions read as tables and curves (stackmeta_lite.display.describe)."""

from __future__ import annotations

import numpy as np
import pytest

from stackmeta_lite.display.describe import commitment_curve, leader_table_in_words, replay
from stackmeta_lite.display.panels import COMMITMENT_EXAMPLE
from stackmeta_lite.games.bimatrix import BimatrixGame, make_game
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.solver import solve_iterated


def test_leader_table_in_words_names_every_state():
    iterated = IteratedGame("prisoners_dilemma")
    words = leader_table_in_words(iterated, (1, 0, 0, 1, 1))
    assert list(words["when"]) == [
        "first step",
        "after (C, C) (leader, follower)",
        "after (D, C) (leader, follower)",
        "after (C, D) (leader, follower)",
        "after (D, D) (leader, follower)",
    ]
    assert "".join(words["leader plays"]) == "DCCDD"


def test_leader_table_in_words_refuses_a_bad_table():
    with pytest.raises(ValueError, match=r"lie in \[0, 2\)"):
        leader_table_in_words(IteratedGame("chicken"), (0, 1, 2, 0, 0))


@pytest.mark.parametrize("follower_class", ["stationary", "time_aware"])
def test_replay_matches_the_solver_value(follower_class):
    iterated = IteratedGame("prisoners_dilemma")
    solution = solve_iterated(iterated, follower_class)
    episode = replay(iterated, solution.leader_table, solution.follower_policy)
    assert len(episode) == 10
    assert episode["leader payoff"].sum() == pytest.approx(solution.leader_return)
    assert episode["follower payoff"].sum() == pytest.approx(solution.follower_return)


def test_replay_of_the_dilemma_against_a_time_aware_follower_ends_in_defection():
    iterated = IteratedGame("prisoners_dilemma")
    solution = solve_iterated(iterated, "time_aware")
    episode = replay(iterated, solution.leader_table, solution.follower_policy)
    assert list(episode["follower"]) == ["C"] * 9 + ["D"]
    assert episode["leader payoff"].mean() == pytest.approx(2.9)


def test_commitment_curve_battle_of_the_sexes_threshold():
    curve = commitment_curve(make_game("battle_of_the_sexes"), [0.0, 0.5, 2 / 3, 1.0])
    # The follower goes to the leader's choice only when the leader goes there w.p. >= 2/3.
    assert list(curve["follower_action"]) == ["follower's choice"] * 2 + ["leader's choice"] * 2
    assert curve["leader_payoff"].iloc[-1] == pytest.approx(2.0)


def test_commitment_example_rewards_mixing_under_strong_ties_only():
    strong = commitment_curve(COMMITMENT_EXAMPLE, np.linspace(0, 1, 101), "strong")
    weak = commitment_curve(COMMITMENT_EXAMPLE, [0.5], "weak")
    assert strong["leader_payoff"].max() == pytest.approx(3.5)
    assert strong.loc[strong["leader_payoff"].idxmax(), "p"] == pytest.approx(0.5)
    assert weak["leader_payoff"].iloc[0] == pytest.approx(1.5)


def test_commitment_curve_needs_two_leader_actions():
    game = BimatrixGame(np.zeros((3, 2)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="2 leader actions"):
        commitment_curve(game, [0.5])
