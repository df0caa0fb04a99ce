"""The book's panels (stackmeta_lite.display.panels): widgets whose synced traits are the panel's
state, and whose HTML output carries that state, the browser module and a first view computed by
the Python solver. tests/test_panels_browser.py drives the HTML in the built book in Chromium,
tests/test_panels_lab.py the widget in JupyterLab; tests/test_panels_js.py checks the module's
solver against Python's."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pandas as pd
import pytest
import traitlets
from IPython.core.formatters import DisplayFormatter

from stackmeta_lite.display import panels
from stackmeta_lite.display.plotting import table_label
from stackmeta_lite.experiments.run import RunConfig, run
from stackmeta_lite.games.bigger import BIGGER_GAMES, random_game
from stackmeta_lite.games.bimatrix import CANONICAL_GAMES, BimatrixGame, make_game
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.solver import solve_iterated
from stackmeta_lite.method.presets import LEADER_PPO


def state_of(html: str) -> dict:
    (text,) = re.findall(r'<script type="application/json" id="[^"]+">(.*?)</script>', html)
    return json.loads(text)


def test_game_explorer_carries_every_game_and_starts_at_the_chosen_one():
    html = panels.game_explorer("chicken")._repr_html_()
    state = state_of(html)
    assert state["kind"] == "game" and state["game"] == "chicken"
    assert list(state["games"]) == list(CANONICAL_GAMES)
    assert state["cells"] == [[3, 3], [2, 4], [4, 2], [1, 1]]
    assert state["actions"] == [["C", "D"], ["C", "D"]]
    assert (state["follower_class"], state["ties"], state["horizon"]) == (
        "stationary",
        "strong",
        10,
    )
    assert not state["one_shot"]


def test_game_explorer_first_view_is_the_solver_solution():
    html = panels.game_explorer("prisoners_dilemma")._repr_html_()
    assert "Exact Stackelberg value: 3.10 per step" in html
    assert "export function render" in html and "render({model: plainModel(" in html


def test_each_panel_output_has_its_own_element_id():
    first, second = (panels.game_explorer()._repr_html_() for _ in range(2))
    id_first = re.search(r'<div id="([^"]+)"', first).group(1)
    id_second = re.search(r'<div id="([^"]+)"', second).group(1)
    assert id_first != id_second
    assert f'getElementById("{id_first}")' in first


def test_panel_state_cannot_close_its_script_element():
    html = panels.Panel("game", {"note": "</script><b>bold</b>"}, "")._repr_html_()
    assert "</script><b>" not in html
    assert state_of(html)["note"] == "</script><b>bold</b>"


def test_the_module_has_no_closing_script_tag():
    assert "</script" not in panels.MODULE.lower()


def test_game_explorer_refuses_an_unknown_game():
    with pytest.raises(ValueError, match="unknown game 'dilemma'; the panel offers: prisoners"):
        panels.game_explorer("dilemma")


def test_game_explorer_takes_a_3x3_suite_game_by_name_or_object():
    panel = panels.game_explorer("inspection")
    state = state_of(panel._repr_html_())
    assert list(state["games"]) == list(BIGGER_GAMES) and state["game"] == "inspection"
    assert state["follower_class"] == "time_aware"  # the stationary one does not fit at 3x3
    assert state["actions"][1] == ["comply", "cheat a little", "cheat a lot"]
    assert len(state["cells"]) == 9 and state["cells"][2] == [0, 5]  # (rarely, cheat a lot)
    assert "Exact Stackelberg value: 3.60 per step" in panel._repr_html_()
    assert panels.game_explorer(BIGGER_GAMES["inspection"]).cells == panel.cells
    panel.follower_class = "stationary"
    assert "59049 x 3**10 (leader, follower) table pairs" in panel.first_view()
    with pytest.raises(traitlets.TraitError, match="9 \\(leader, follower\\) payoff pairs"):
        panel.cells = [[1, 2]] * 4
    with pytest.raises(traitlets.TraitError, match="cell \\(always, comply\\) must be a number"):
        panel.cells = [*panel.cells[:6], [1, "x"], *panel.cells[7:]]


def test_game_explorer_lists_a_game_of_yours_with_the_games_of_its_size():
    mine = random_game(1000)
    panel = panels.game_explorer(mine)
    assert list(panel.games) == [*BIGGER_GAMES, "random_3x3_1000"]
    assert panel.game == "random_3x3_1000" and panel.bimatrix() == mine
    custom = BimatrixGame([[1, 2], [3, 4]], [[4, 3], [2, 1]])  # named "custom": the edited game
    panel = panels.game_explorer(custom)
    assert (panel.game, list(panel.games)) == ("custom", list(CANONICAL_GAMES))
    assert panel.follower_class == "stationary"
    with pytest.raises(ValueError, match="a different game called 'hero'"):
        panels.game_explorer(replace(make_game("chicken"), name="hero"))
    with pytest.raises(ValueError, match="commits between 2 leader actions; 'inspection' has 3"):
        panels.game_explorer(BIGGER_GAMES["inspection"], one_shot=True)
    with pytest.raises(ValueError, match="a game's name or a BimatrixGame, got 3"):
        panels.game_explorer(3)


def test_commitment_explorer_adds_the_one_shot_games_and_their_first_view():
    html = panels.commitment_explorer("battle_of_the_sexes")._repr_html_()
    state = state_of(html)
    assert state["one_shot"] and state["p"] == 1.0
    assert list(state["games"])[:2] == ["battle_of_the_sexes", "commitment_example"]
    assert state["games"]["commitment_example"]["actions"] == [["U", "D"], ["L", "R"]]
    assert "the leader expects 2.00" in html
    example = panels.commitment_explorer("commitment_example")._repr_html_()
    assert "P(U) = 0.50 → 3.50" in example


def test_solution_html_reports_value_and_episode():
    text = panels.solution_html(make_game("prisoners_dilemma"), "time_aware")
    assert "2.90 per step" in text and "time-aware" in text
    assert text.count("<tr>") == 5 + 10  # body rows: one per state, one per step


def pretraining_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
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
            {"game": g, "seed": s, "table": table_label(iterated, t), "gap": 0.3 * (k == s)}
            for g in ("chicken", "hero")
            for s in (0, 1)
            for k, t in enumerate(iterated.leader_tables())
        ]
    )
    return history, gaps


def test_pretraining_viewer_embeds_every_run():
    history, gaps = pretraining_tables()
    html = panels.pretraining_viewer(history, gaps)._repr_html_()
    state = state_of(html)
    assert state["kind"] == "pretraining" and (state["game"], state["seed"]) == ("chicken", 0)
    assert sorted(state["runs"]) == ["chicken", "hero"]
    run = state["runs"]["hero"]["1"]
    assert run["steps_with_queries"] == [1050, 2100, 3150]
    assert run["steps_plain"] == [700, 1400, 2100]
    assert run["gap"] == [0.5, 0.25, 0.1667]
    assert run["tables"][:2] == ["CCCCC", "DCCCC"] and run["table_gaps"][1] == 0.3
    assert "exactly to 31 of 32 leader tables" in html


def test_pretraining_viewer_needs_matching_runs():
    history, gaps = pretraining_tables()
    with pytest.raises(ValueError, match="at least one"):
        panels.pretraining_viewer(history, gaps.assign(game="other"))


# --- the panels as widgets ------------------------------------------------------------------------

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_a_panel_is_an_anywidget_of_the_module_with_its_html_output():
    panel = panels.game_explorer("chicken")
    assert panel._esm == panels.MODULE and "export default { render }" in panel._esm
    bundle, _ = DisplayFormatter().format(panel)
    assert bundle[WIDGET_VIEW]["model_id"] == panel.model_id
    state = state_of(bundle["text/html"])  # the static book's output: the same state
    assert state["cells"] == panel.cells and state["game"] == "chicken"
    for kernel_only in ("trainable", "training", "status", "curve"):
        assert kernel_only not in state


def test_python_sets_the_game_and_the_panel_follows():
    panel = panels.game_explorer("prisoners_dilemma")
    panel.game = "chicken"
    assert panel.cells == [[3, 3], [2, 4], [4, 2], [1, 1]]
    panel.cells = [[3, 3], [2, 4], [4, 2], [1, 5]]
    assert panel.game == "custom"
    panel.ties, panel.follower_class = "weak", "time_aware"
    assert "time-aware, weak tie-breaking" in panel._repr_html_()
    assert panel.bimatrix().follower_payoffs[1, 1] == 5


def test_an_edit_in_the_browser_reaches_python():
    """What the front end sends (ipywidgets' set_state) lands in the traits and the solution."""
    panel = panels.game_explorer("prisoners_dilemma")
    panel.set_state({"cells": [[3, 3], [1, 4], [4, 1], [7, 2]], "game": "custom"})
    assert panel.cells[3] == [7.0, 2.0] and panel.game == "custom"
    assert "Exact Stackelberg value: 7.00 per step" in panel.first_view()


def test_bad_payoffs_are_refused_or_named():
    panel = panels.game_explorer()
    with pytest.raises(traitlets.TraitError, match="4 \\(leader, follower\\) payoff pairs"):
        panel.cells = [[1, 2]] * 3
    with pytest.raises(traitlets.TraitError, match="follower payoff of cell CD must be finite"):
        panel.cells = [[1, 2], [1, float("inf")], [1, 2], [1, 2]]
    with pytest.raises(traitlets.TraitError, match="p must lie in \\[0.0, 1.0\\]"):
        panel.p = 1.5
    with pytest.raises(traitlets.TraitError, match="'ties' trait .* any of \\['strong', 'weak'\\]"):
        panel.ties = "neutral"
    panel.cells = [[1, 2], [1, 2], [1, 2], [None, 2]]  # the reader emptied a box
    with pytest.raises(ValueError, match="leader payoff of cell DD is empty"):
        panel.bimatrix()
    assert "leader payoff of cell DD is empty" in panel._repr_html_()


def test_train_runs_the_method_on_the_panel_game_and_sends_its_curve():
    panel = panels.game_explorer("prisoners_dilemma")
    panel.train_iterations = 3
    rows = panel.train(seed=2)
    config = RunConfig(leader=replace(LEADER_PPO, iterations=3))
    reference = run("prisoners_dilemma", 2, "meta_ppo", config)
    assert rows["leader_value"].tolist() == reference["leader_value"].tolist()
    assert panel.curve["steps"] == reference["steps_with_queries"].tolist()
    assert panel.curve["value"] == [round(v, 4) for v in reference["leader_value"]]
    optimum = solve_iterated(IteratedGame(make_game("prisoners_dilemma")), "stationary", "strong")
    assert panel.curve["optimum"] == round(optimum.per_step, 4)
    assert "3 leader updates" in panel.status and not panel.training


def test_the_train_button_trains_a_custom_game_and_reports_what_it_cannot():
    panel = panels.game_explorer("prisoners_dilemma")
    panel.train_iterations = 2
    panel.cells = [[1, 1], [1, 4], [4, 1], [9, 2]]  # D,D pays the leader 9
    panel._handle_custom_msg({"action": "train"}, [])  # the button's message
    assert len(panel.curve["value"]) == 2 and panel.curve["optimum"] == 9.0
    panel.cells = [[1, 1], [1, 4], [4, None], [9, 2]]
    panel._handle_custom_msg({"action": "train"}, [])
    assert panel.status == "Cannot train: the follower payoff of cell DC is empty: type a number"


def test_pretraining_viewer_syncs_the_chosen_run():
    history, gaps = pretraining_tables()
    panel = panels.pretraining_viewer(history, gaps)
    panel.set_state({"game": "hero", "seed": 1, "steps": "plain"})
    assert (panel.game, panel.seed, panel.steps) == ("hero", 1, "plain")
    assert "hero, seed 1" in panel.first_view()
    with pytest.raises(traitlets.TraitError):
        panel.steps = "both"
