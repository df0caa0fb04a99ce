"""The book's panels (stackmeta_lite.display.panels): HTML outputs that carry their state, the
browser module and a first view computed by the Python solver. tests/test_panels_browser.py
drives them in Chromium; tests/test_panels_js.py checks the module's solver against Python's."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from stackmeta_lite.display import panels
from stackmeta_lite.display.plotting import table_label
from stackmeta_lite.games.bimatrix import CANONICAL_GAMES, make_game
from stackmeta_lite.games.iterated import IteratedGame


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
