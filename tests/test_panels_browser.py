"""The book's panels respond like a reader expects, in headless Chromium, offline.

For each panel a small driver page is written next to the built chapter (same origin). It loads
the chapter in an iframe and, once it has loaded, drives the panel's controls the way a reader
would (choose a game, click a radio button, type a payoff, move the slider), recording after each
step what the panel shows and how long it took to redraw. Chromium dumps the driver's DOM; the
test compares every recorded view with the Python solver. A screenshot of each panel (and of the
chapter 1 panel in the book's dark mode) and its redraw times go to book/_build/screenshots/. The
3x3 panel is driven the same way on a page of its own, without the book, and its solve times go
there too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import CHROMIUM_FLAGS, SCREENSHOTS, dump_dom

from stackmeta_lite.common import data
from stackmeta_lite.display import panels
from stackmeta_lite.display.describe import replay
from stackmeta_lite.display.panels import ONE_SHOT_GAMES
from stackmeta_lite.games.bigger import BIGGER_GAMES
from stackmeta_lite.games.bimatrix import BimatrixGame
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.one_shot import follower_reply
from stackmeta_lite.games.solver import solve_iterated

# Real time, not virtual time: the driver measures how long the panel takes to redraw.
FLAGS = [flag for flag in CHROMIUM_FLAGS if not flag.startswith("--virtual-time-budget")]

DRIVER = (Path(__file__).parent / "panel_driver.html").read_text()
"""The driver page, a template with %(page)s, %(steps)s, %(index)s and %(dark)s."""

pytestmark = pytest.mark.slow  # builds the book and drives Chromium


@pytest.fixture(scope="module")
def drive(html_dir: Path, server: str, chromium: str, tmp_path_factory):
    """Run a driver over one panel of a chapter; return what it recorded after each step."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    profiles = tmp_path_factory.mktemp("chromium")

    def _drive(chapter: str, steps: list[dict], name: str, index: int = 0, dark: bool = False):
        driver = html_dir / "notebooks" / f"_drive_{name}.html"
        params = {"page": f"{chapter}.html", "steps": json.dumps(steps), "index": index}
        driver.write_text(DRIVER % {**params, "dark": json.dumps(dark)})
        shot = SCREENSHOTS / f"panel_{name}.png"
        url = f"{server}/notebooks/{driver.name}"
        dom = dump_dom(chromium, url, shot, profiles / name, FLAGS)
        driver.unlink()
        return recorded_by(dom, name)

    return _drive


def recorded_by(dom: str, name: str) -> dict:
    """What the driver recorded, from the dumped DOM; its redraw times go to ``SCREENSHOTS``."""
    found = re.search(r'<pre id="results">(.*?)</pre>', dom, re.S)
    assert found and found.group(1), f"the driver recorded nothing for {name}"
    text = found.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    recorded = json.loads(text)
    # What a reader waits for: milliseconds from each input event to the redrawn panel.
    timings = {"first_view": recorded["first_view_ms"], "steps": recorded["millis"]}
    (SCREENSHOTS / f"panel_{name}.json").write_text(json.dumps(timings))
    return recorded


def game_of(cells, actions=(("C", "D"), ("C", "D"))) -> BimatrixGame:
    """The game of the panel's cells ((leader, follower) payoffs row by row: CC, CD, DC, DD)."""
    array = np.asarray(cells, dtype=float).reshape(len(actions[0]), len(actions[1]), 2)
    return BimatrixGame(array[..., 0], array[..., 1], "panel", *actions)


def check_solution(view: dict, cells, follower_class: str, ties: str, actions=(("C", "D"),) * 2):
    """The panel shows the Python solver's value, table, table in words and replay."""
    game = game_of(cells, actions)
    iterated = IteratedGame(game, 10)
    solution = solve_iterated(iterated, follower_class, ties)
    assert view["value"] == pytest.approx(solution.leader_return)
    assert view["table"] == ",".join(map(str, solution.leader_table))
    assert [row[2] for row in view["words"]] == [actions[0][a] for a in solution.leader_table]
    episode = replay(iterated, solution.leader_table, solution.follower_policy)
    assert [row[2:4] for row in view["replay"]] == episode[["leader", "follower"]].values.tolist()
    payoffs = [[float(v) for v in row[4:6]] for row in view["replay"]]
    assert payoffs == episode[["leader payoff", "follower payoff"]].values.tolist()


def check_controls(recorded: dict):
    assert recorded["drawn"], "panels.js did not draw the panel"
    assert recorded["controls"], "the panel has no controls"
    for control in recorded["controls"]:
        assert control["labelled"] and control["focusable"], control


CH1_STEPS = [
    {"select": "game", "value": "chicken"},
    {"radio": "follower_class", "value": "time_aware"},
    {"select": "game", "value": "prisoners_dilemma"},
    {"radio": "ties", "value": "weak"},
    {"cell": 0, "who": 0, "value": "10"},  # leader's CC payoff
    {"cell": 0, "who": 1, "value": "10"},  # follower's CC payoff
    {"cell": 3, "who": 1, "value": ""},  # a blank cell cannot be solved
]


def test_chapter1_panel_follows_its_controls(drive):
    recorded = drive("01_markov_games", CH1_STEPS, "ch1")
    check_controls(recorded)
    views = recorded["views"]
    dilemma = [
        list(map(float, c)) for c in recorded["state"]["games"]["prisoners_dilemma"]["cells"]
    ]
    chicken = recorded["state"]["games"]["chicken"]["cells"]
    assert dilemma == [[3, 3], [1, 4], [4, 1], [2, 2]]
    check_solution(views[0], dilemma, "stationary", "strong")
    check_solution(views[1], chicken, "stationary", "strong")
    check_solution(views[2], chicken, "time_aware", "strong")
    check_solution(views[3], dilemma, "time_aware", "strong")
    check_solution(views[4], dilemma, "time_aware", "weak")
    edited = [[10.0, 3.0], *dilemma[1:]]
    check_solution(views[5], edited, "time_aware", "weak")
    edited = [[10.0, 10.0], *dilemma[1:]]
    check_solution(views[6], edited, "time_aware", "weak")
    assert views[6]["value"] == 100  # (C, C) for ever now pays 10 per step
    assert "follower payoff of cell DD must be a finite number" in views[7]["error"]
    assert max(recorded["millis"]) < 1000


def test_chapter2_panel_redraws_the_commitment_curve(drive):
    steps = [
        {"select": "game", "value": "commitment_example"},
        {"slider": True, "value": "0.5"},
        {"radio": "ties", "value": "weak"},
        {"radio": "follower_class", "value": "time_aware"},
        {"cell": 3, "who": 0, "value": "5"},  # leader's DR payoff
    ]
    recorded = drive("02_stackelberg", steps, "ch2")
    check_controls(recorded)
    views = recorded["views"]
    bos, example = ONE_SHOT_GAMES["battle_of_the_sexes"], ONE_SHOT_GAMES["commitment_example"]

    def check_reply(view, game, p, ties):
        expected = follower_reply(game, np.array([p, 1 - p]), ties)
        assert view["reply"] == [expected.follower_action, pytest.approx(expected.leader_payoff)]

    check_reply(views[0], bos, 1.0, "strong")
    check_reply(views[1], example, 1.0, "strong")
    check_reply(views[2], example, 0.5, "strong")
    assert views[2]["reply"] == [1, 3.5]  # indifferent follower, ties for the leader: R
    check_reply(views[3], example, 0.5, "weak")
    assert views[3]["reply"] == [0, 1.5]
    cells = recorded["state"]["games"]["commitment_example"]["cells"]
    actions = (("U", "D"), ("L", "R"))
    check_solution(views[4], cells, "time_aware", "weak", actions)
    edited = [*cells[:3], [5.0, cells[3][1]]]
    check_solution(views[5], edited, "time_aware", "weak", actions)
    check_reply(views[5], game_of(edited, actions), 0.5, "weak")
    assert views[0]["curve"] != views[1]["curve"] != views[5]["curve"]  # the curve redraws
    assert max(recorded["millis"]) < 1000


def test_pretraining_viewer_shows_the_chosen_run(drive):
    probe = drive("04_meta_follower", [], "ch4_probe")
    runs = probe["state"]["runs"]
    game = list(runs)[-1]
    seed = list(runs[game])[-1]
    steps = [{"select": "game", "value": game}, {"select": "seed", "value": seed}]
    recorded = drive("04_meta_follower", [*steps, {"select": "steps", "value": "plain"}], "ch4")
    check_controls(recorded)
    views = recorded["views"]
    run = runs[game][seed]
    exact = sum(g <= probe["state"]["exact_below"] for g in run["table_gaps"])
    assert views[2]["summary"].startswith(f"{game.replace('_', ' ')}, seed {seed}: after")
    assert views[2]["exact"] == exact
    assert f"exactly to {exact} of {len(run['table_gaps'])} leader tables" in views[2]["summary"]
    # The x axis switched to play steps: its label and its ticks changed.
    assert "env steps (with the query steps)" in views[2]["chart"]
    assert "env steps (play steps only)" in views[3]["chart"]
    ticks = [set(v["chart"]) - {"env steps (with the query steps)"} for v in views[2:]]
    assert ticks[0] != ticks[1] - {"env steps (play steps only)"}


BIGGER_STEPS = [
    {"radio": "ties", "value": "weak"},
    {"select": "game", "value": "rps_edge"},
    {"radio": "ties", "value": "strong"},
    {"select": "game", "value": "three_level_coordination"},
    {"radio": "ties", "value": "weak"},
    {"select": "game", "value": "three_price_market"},
    {"radio": "ties", "value": "strong"},
    {"radio": "follower_class", "value": "stationary"},  # refused: 59,049 x 59,049 pairs
    {"radio": "follower_class", "value": "time_aware"},
    {"cell": 0, "who": 0, "value": "abc"},  # leader's (price 1, buy none) payoff
    {"cell": 0, "who": 0, "value": "7"},
]
BIGGER_SOLVED = [  # (game, ties) of views 0-7 and 9
    *[("inspection", "strong"), ("inspection", "weak"), ("rps_edge", "weak")],
    *[("rps_edge", "strong"), ("three_level_coordination", "strong")],
    *[("three_level_coordination", "weak"), ("three_price_market", "weak")],
    *[("three_price_market", "strong")] * 2,
]


def test_a_3x3_panel_solves_exactly_in_the_browser(chromium, tmp_path):
    """game_explorer("inspection") on a page of its own: every suite game, both tie rules, the
    stationary follower refused, a bad payoff named, an edited game solved."""
    page = tmp_path / "inspection.html"
    body = panels.game_explorer("inspection")._repr_html_()
    page.write_text(f'<!doctype html><html><head><meta charset="utf-8"></head><body>{body}</body>')
    driver = tmp_path / "driver.html"
    params = {"page": page.name, "steps": json.dumps(BIGGER_STEPS), "index": 0, "dark": "false"}
    driver.write_text(DRIVER % params)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    flags = [*FLAGS, "--allow-file-access-from-files"]  # the driver reads the page's frame
    shot = SCREENSHOTS / "panel_3x3.png"
    dom = dump_dom(chromium, driver.as_uri(), shot, tmp_path / "profile", flags)
    recorded = recorded_by(dom, "3x3")
    check_controls(recorded)
    views = recorded["views"]
    reference = pd.read_csv(data.RESULTS / "bigger_exact.csv", dtype={"leader_table": str})
    reference = reference.set_index(["game", "ties"])
    solved = [views[i] for i in (*range(8), 9)]
    for view, key in zip(solved, BIGGER_SOLVED, strict=True):
        row = reference.loc[key]
        assert view["value"] == pytest.approx(row["per_step"] * 10), key
        assert view["table"] == ",".join(row["leader_table"]), key
    games = recorded["state"]["games"]
    assert list(games) == list(BIGGER_GAMES)
    inspection = games["inspection"]
    check_solution(views[0], inspection["cells"], "time_aware", "strong", inspection["actions"])
    assert "59,049 x 59,049 = 3,486,784,401 (leader, follower) table pairs" in views[8]["error"]
    assert (
        'the leader payoff of cell (price 1, buy none) must be a finite number, got "abc"'
        in views[10]["error"]
    )
    market = games["three_price_market"]
    edited = [[7.0, market["cells"][0][1]], *market["cells"][1:]]
    check_solution(views[11], edited, "time_aware", "strong", market["actions"])
    solve_ms = [[*key, view["solve_ms"]] for view, key in zip(solved, BIGGER_SOLVED, strict=True)]
    (SCREENSHOTS / "panel_3x3_solve_ms.json").write_text(json.dumps(solve_ms, indent=1))
    assert max(ms for *_, ms in solve_ms) < 5000, solve_ms


def test_chapter1_panel_is_readable_in_dark_mode(drive):
    light = drive("01_markov_games", [], "ch1_light")
    dark = drive("01_markov_games", [], "ch1_dark", dark=True)
    assert light["contrast"]["page"] > 0.8 > 0.1 > dark["contrast"]["page"]  # the theme switched
    assert light["contrast"]["ratio"] >= 4.5 and dark["contrast"]["ratio"] >= 4.5


# JupyterLab renders a trusted text/html output by setting the host's innerHTML, then replacing
# each script with a fresh copy so that it runs (@jupyterlab/rendermime, renderers.ts,
# evalInnerHTMLScriptTags); the host joins the page afterwards. This page does the same.
JUPYTERLAB_LIKE = """<!doctype html><html><head><meta charset="utf-8"></head><body><script>
const host = document.createElement("div");
host.innerHTML = %s;
for (const script of [...host.getElementsByTagName("script")]) {
  const clone = document.createElement("script");
  for (const { name, value } of script.attributes) clone.setAttribute(name, value);
  clone.textContent = script.textContent;
  script.parentNode.replaceChild(clone, script);
}
setTimeout(() => document.body.appendChild(host), 50);
</script></body></html>"""


def test_panels_draw_when_rendered_the_way_jupyterlab_renders_html(chromium, tmp_path):
    outputs = [panels.game_explorer("chicken"), panels.commitment_explorer("commitment_example")]
    page = tmp_path / "jupyterlab_like.html"
    html = json.dumps("".join(p._repr_html_() for p in outputs)).replace("</", "<\\/")
    page.write_text(JUPYTERLAB_LIKE % html)
    shot = tmp_path / "jupyterlab_like.png"
    dom = dump_dom(chromium, page.as_uri(), shot, tmp_path / "profile")
    drawn = re.findall(r'class="smeta-panel" data-kind="game" data-millis="[\d.]+"', dom)
    assert len(drawn) == 2, "the panels did not draw"
    values = re.findall(r'class="smeta-value" data-leader-return="([\d.]+)"', dom)
    expected = [solve_iterated(IteratedGame(g)).leader_return for g in ("chicken",)]
    expected.append(
        solve_iterated(IteratedGame(ONE_SHOT_GAMES["commitment_example"])).leader_return
    )
    assert [float(v) for v in values] == expected
