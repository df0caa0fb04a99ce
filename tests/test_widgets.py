"""The book's widget panels: they render a meaningful first view and react to their controls."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from stackmeta_lite import widgets as panels  # noqa: E402
from stackmeta_lite.games import make_game  # noqa: E402
from stackmeta_lite.iterated import IteratedGame  # noqa: E402
from stackmeta_lite.solver import solve_iterated  # noqa: E402


def test_leader_table_in_words_names_every_state():
    iterated = IteratedGame("prisoners_dilemma")
    words = panels.leader_table_in_words(iterated, (1, 0, 0, 1, 1))
    assert list(words["when"]) == [
        "first step",
        "after (C, C) (leader, follower)",
        "after (D, C) (leader, follower)",
        "after (C, D) (leader, follower)",
        "after (D, D) (leader, follower)",
    ]
    assert "".join(words["leader plays"]) == "DCCDD"


@pytest.mark.parametrize("follower_class", ["stationary", "time_aware"])
def test_replay_matches_the_solver_value(follower_class):
    iterated = IteratedGame("prisoners_dilemma")
    solution = solve_iterated(iterated, follower_class)
    episode = panels.replay(iterated, solution.leader_table, solution.follower_policy)
    assert len(episode) == 10
    assert episode["leader payoff"].sum() == pytest.approx(solution.leader_return)
    assert episode["follower payoff"].sum() == pytest.approx(solution.follower_return)


def test_replay_of_the_dilemma_against_a_time_aware_follower_ends_in_defection():
    iterated = IteratedGame("prisoners_dilemma")
    solution = solve_iterated(iterated, "time_aware")
    episode = panels.replay(iterated, solution.leader_table, solution.follower_policy)
    assert episode["follower"].iloc[-1] == "D"
    assert episode["leader payoff"].mean() == pytest.approx(2.9)


def test_commitment_curve_battle_of_the_sexes_threshold():
    game = make_game("battle_of_the_sexes")
    curve = panels.commitment_curve(game, [0.0, 0.5, 2 / 3, 1.0])
    # The follower goes to the leader's choice only when the leader goes there w.p. >= 2/3.
    assert list(curve["follower_action"]) == [
        "follower's choice",
        "follower's choice",
        "leader's choice",
        "leader's choice",
    ]
    assert curve["leader_payoff"].iloc[-1] == pytest.approx(2.0)


def test_commitment_example_rewards_mixing():
    game = panels.COMMITMENT_EXAMPLE
    strong = panels.commitment_curve(game, np.linspace(0, 1, 101), "strong")
    weak = panels.commitment_curve(game, [0.5], "weak")
    assert strong["leader_payoff"].max() == pytest.approx(3.5)
    assert strong.loc[strong["leader_payoff"].idxmax(), "p"] == pytest.approx(0.5)
    assert weak["leader_payoff"].iloc[0] == pytest.approx(1.5)


def test_commitment_curve_needs_two_leader_actions():
    game = panels.BimatrixGame(np.zeros((3, 2)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="2 leader actions"):
        panels.commitment_curve(game, [0.5])


def test_solution_html_reports_value_and_episode():
    text = panels.solution_html(make_game("prisoners_dilemma"))
    assert "3.10 per step" in text
    assert text.count("<tr>") >= 5 + 10


def test_game_explorer_shows_the_solution_at_once_and_follows_its_controls():
    panel = panels.game_explorer("prisoners_dilemma")
    chooser, _, grid, follower_class, ties, result = panel.children
    assert "3.10 per step" in result.value
    follower_class.value = "time_aware"
    assert "2.90 per step" in result.value
    chooser.value = "chicken"
    assert "4.00 per step" in result.value
    # Editing a cell makes the game custom and re-solves it.
    leader_cc, follower_cc = grid.children[0].children[:2]
    leader_cc.value = 10.0
    assert chooser.value == panels.CUSTOM
    follower_cc.value = 10.0
    assert "10.00 per step" in result.value


def test_game_explorer_reports_a_bad_game_instead_of_raising():
    panel = panels.game_explorer()
    grid, result = panel.children[2], panel.children[-1]
    grid.children[0].children[0].value = float("inf")
    assert "Cannot solve" in result.value


def test_commitment_explorer_renders_a_figure_and_summary():
    panel = panels.commitment_explorer("battle_of_the_sexes")
    chooser, slider, ties, summary, figure = panel.children
    assert "leader expects <b>2.00</b>" in summary.value
    assert figure.outputs and "image/png" in figure.outputs[0]["data"]
    slider.value = 0.5
    assert "leader expects <b>0.50</b>" in summary.value
    chooser.value = "commitment_example"
    assert "3.50" in summary.value


def test_pretraining_viewer_plots_the_chosen_run():
    history = pd.DataFrame(
        [
            {
                "game": g,
                "seed": s,
                "steps_with_queries": 1050 * i,
                "steps_plain": 700 * i,
                "best_response_gap": 0.5 / i,
            }
            for g in ("chicken", "hero")
            for s in (0, 1)
            for i in (1, 2, 3)
        ]
    )
    iterated = IteratedGame("chicken")
    gaps = pd.DataFrame(
        [
            {"game": g, "seed": s, "table": "".join(map(str, t)), "gap": 0.0 if k else 0.3}
            for g in ("chicken", "hero")
            for s in (0, 1)
            for k, t in enumerate(iterated.leader_tables())
        ]
    )
    panel = panels.pretraining_viewer(history, gaps)
    (game_box, seed_box), summary, figure = panel.children[0].children, *panel.children[1:]
    assert "31 of 32" in summary.value
    assert "image/png" in figure.outputs[0]["data"]
    game_box.value = "hero"
    seed_box.value = 1
    assert "hero, seed 1" in summary.value
