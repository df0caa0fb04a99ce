"""The browser port of the solver (stackmeta_lite/display/panels.js) agrees with the Python solver.

Random 2x2 games (integer payoffs with many ties, real payoffs, all-equal payoffs, payoffs scaled by
1e-12 and 1e12, and integers moved by a large offset) are solved by both, for both follower classes
and both tie rules; the optimal leader tables and follower policies must be identical and the values
equal. Node runs the ES module once for the whole batch. The 3x3 suite (games.bigger) and seeded
random 3x3 games are solved with the time-aware follower, against the stored reference values and
(slow) Python's solver, and bad payoffs must be named.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib.resources import files

import numpy as np
import pandas as pd
import pytest

from stackmeta_lite.common import data
from stackmeta_lite.display.panels import _cells
from stackmeta_lite.games.bigger import BIGGER_GAMES, random_game
from stackmeta_lite.games.bimatrix import from_cells
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.one_shot import (
    follower_reply,
    mixed_stackelberg,
    pure_nash_equilibria,
    pure_stackelberg,
)
from stackmeta_lite.games.solver import solve_iterated
from stackmeta_lite.games.ties import tie_tolerance

MODULE = files("stackmeta_lite.display").joinpath("panels.js")
HORIZON = 10
PROBABILITIES = (0.0, 0.25, 1 / 3, 0.5, 2 / 3, 0.75, 1.0)


def random_cells(n_games: int, seed: int = 0) -> list[list[list[float]]]:
    """Cells CC, CD, DC, DD as (leader, follower): integer, real, constant and scaled games."""
    rng = np.random.default_rng(seed)
    games = []
    for k in range(n_games):
        kind = k % 6
        if kind in (0, 1):  # small integers: many exact ties
            cells = rng.integers(1, 4 if kind == 0 else 5, size=(4, 2)).astype(float)
        elif kind == 2:  # reals with one decimal: ties after sums of different paths
            cells = np.round(rng.uniform(-2, 2, size=(4, 2)), 1)
        elif kind == 3:  # arbitrary reals
            cells = rng.normal(size=(4, 2))
        elif kind == 4:  # integers scaled far from 1: the tie tolerance must be relative
            cells = rng.integers(1, 4, size=(4, 2)) * (1e-12 if k % 2 else 1e12)
        else:  # integers moved by 2**48 (leader) and -2**47: returns exact, tolerance unmoved
            cells = (rng.integers(1, 4, size=(4, 2)) + [2**48, -(2**47)]).astype(float)
        games.append(cells.tolist())
    games.append([[2.0, 2.0]] * 4)  # all payoffs equal: every reply ties
    return games


def python_results(cells: list[list[float]]) -> dict:
    game = from_cells("random", tuple(map(tuple, cells)))
    iterated = IteratedGame(game, HORIZON)
    out = {"iterated": {}, "replies": {}}
    out["tolerance"] = [
        tie_tolerance(payoffs, HORIZON) for payoffs in (game.leader_payoffs, game.follower_payoffs)
    ]
    for follower_class in ("stationary", "time_aware"):
        for ties in ("strong", "weak"):
            solution = solve_iterated(iterated, follower_class, ties)
            out["iterated"][f"{follower_class}/{ties}"] = {
                "table": list(solution.leader_table),
                "policy": solution.follower_policy.tolist(),
                "leader": solution.leader_return,
                "follower": solution.follower_return,
            }
    for ties in ("strong", "weak"):
        replies = [follower_reply(game, np.array([p, 1 - p]), ties) for p in PROBABILITIES]
        out["replies"][ties] = [[r.follower_action, r.leader_payoff] for r in replies]
        pure = pure_stackelberg(game, ties)
        out[f"pure/{ties}"] = [int(np.argmax(pure.leader_strategy)), pure.leader_payoff]
    out["mixed"] = mixed_stackelberg(game).leader_payoff
    out["nash"] = [list(cell) for cell in pure_nash_equilibria(game)]
    return out


def run_node(body: str, data: object) -> object:
    """Run ``body`` under Node with the module imported as ``P`` and ``input`` the JSON of
    ``data``; return the JSON ``body`` writes to stdout."""
    script = f"""
import * as P from {json.dumps(MODULE.as_uri())};
let text = "";
process.stdin.on("data", (chunk) => (text += chunk));
process.stdin.on("end", () => {{
  const input = JSON.parse(text);
{body}
}});
"""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node not found: the panels' JavaScript is tested with Node.js")
    proc = subprocess.run(
        [node, "--input-type=module", "-e", script],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def node_results(games: list) -> list[dict]:
    body = f"""
  const out = input.map((cells) => {{
    const game = P.fromCells(cells);
    const result = {{ iterated: {{}}, replies: {{}} }};
    result.tolerance = [P.tolerance(game.L, {HORIZON}), P.tolerance(game.F, {HORIZON})];
    for (const followerClass of ["stationary", "time_aware"]) {{
      for (const ties of ["strong", "weak"]) {{
        const s = P.solveIterated(game, {HORIZON}, followerClass, ties);
        result.iterated[`${{followerClass}}/${{ties}}`] = {{
          table: s.table, policy: s.policy, leader: s.leaderReturn, follower: s.followerReturn,
        }};
      }}
    }}
    for (const ties of ["strong", "weak"]) {{
      result.replies[ties] = {json.dumps(PROBABILITIES)}.map((p) => {{
        const r = P.followerReply(game, [p, 1 - p], ties);
        return [r.action, r.leader];
      }});
      const pure = P.pureStackelberg(game, ties);
      result[`pure/${{ties}}`] = [pure.row, pure.leader];
    }}
    result.mixed = P.mixedStackelberg(game).leader;
    result.nash = P.pureNash(game);
    return result;
  }});
  process.stdout.write(JSON.stringify(out));
"""
    return run_node(body, games)


GAMES = random_cells(60)


@pytest.fixture(scope="module")
def both() -> list[tuple[list, dict, dict]]:
    return list(zip(GAMES, [python_results(g) for g in GAMES], node_results(GAMES), strict=True))


def _scale(cells: list) -> float:
    values = np.asarray(cells)
    return float(np.ptp(values)) or 1.0


def test_the_random_games_include_ties_and_both_kinds_of_payoffs(both):
    assert len(both) >= 50
    assert any(float(v).is_integer() for cells, _, _ in both for cell in cells for v in cell)
    assert any(not float(v).is_integer() for cells, _, _ in both for cell in cells for v in cell)
    # Ties decide something: in some game strong and weak ties give different leader values.
    assert any(
        py["iterated"]["stationary/strong"]["leader"] != py["iterated"]["stationary/weak"]["leader"]
        for _, py, _ in both
    )


def test_iterated_solutions_are_identical(both):
    for cells, py, js in both:
        scale = HORIZON * _scale(cells)
        for key, expected in py["iterated"].items():
            got = js["iterated"][key]
            where = f"game {cells}, {key}"
            assert got["table"] == expected["table"], where
            assert got["policy"] == expected["policy"], where
            assert got["leader"] == pytest.approx(expected["leader"], abs=1e-12 * scale), where
            assert got["follower"] == pytest.approx(expected["follower"], abs=1e-12 * scale), where


def test_tie_tolerances_are_identical_and_ignore_offsets(both):
    for cells, py, js in both:
        assert js["tolerance"] == py["tolerance"], f"game {cells}"
        values = np.asarray(cells)
        if values[:, 0].min() > 2**47 and values[:, 1].max() < -(
            2**46
        ):  # the moved integer games: a tolerance of the range, not of 2**48
            assert max(py["tolerance"]) <= HORIZON * 1e-9 * 3


def test_integer_games_give_bitwise_equal_values(both):
    for cells, py, js in both:
        if all(float(v).is_integer() and abs(v) * HORIZON < 2**53 for cell in cells for v in cell):
            for key, expected in py["iterated"].items():
                assert js["iterated"][key]["leader"] == expected["leader"]
                assert js["iterated"][key]["follower"] == expected["follower"]


def test_one_shot_replies_commitments_and_nash_are_identical(both):
    for cells, py, js in both:
        scale = _scale(cells)
        for ties in ("strong", "weak"):
            for (a_py, v_py), (a_js, v_js) in zip(
                py["replies"][ties], js["replies"][ties], strict=True
            ):
                assert a_js == a_py, f"game {cells}, {ties}"
                assert v_js == pytest.approx(v_py, abs=1e-12 * scale)
            row_py, v_py = py[f"pure/{ties}"]
            row_js, v_js = js[f"pure/{ties}"]
            assert (row_js, v_js) == (row_py, pytest.approx(v_py, abs=1e-12 * scale))
        # The Python version solves a linear program (HiGHS, feasibility tolerance 1e-7).
        assert js["mixed"] == pytest.approx(py["mixed"], abs=1e-6 * scale), f"game {cells}"
        assert js["nash"] == py["nash"], f"game {cells}"


# --- 3x3 games: the time-aware follower over all 59,049 leader tables ----------------------------

REFERENCE = pd.read_csv(data.RESULTS / "bigger_exact.csv", dtype={"leader_table": str})
GAMES_3X3 = {**BIGGER_GAMES, **{g.name: g for g in map(random_game, range(1000, 1004))}}


@pytest.fixture(scope="module")
def js_3x3() -> dict[tuple[str, str], dict]:
    """Node's time-aware solutions of the 3x3 games, both tie rules, with the solve time."""
    games = [
        {"name": g.name, "cells": _cells(g), "actions": [g.leader_actions, g.follower_actions]}
        for g in GAMES_3X3.values()
    ]
    body = f"""
  const out = [];
  for (const {{ name, cells, actions }} of input) {{
    const game = P.fromCells(cells, ...actions);
    for (const ties of ["strong", "weak"]) {{
      const started = performance.now();
      const s = P.solveIterated(game, {HORIZON}, "time_aware", ties);
      const millis = performance.now() - started;
      out.push({{ name, ties, table: s.table, policy: s.policy, leader: s.leaderReturn,
                  follower: s.followerReturn, millis }});
    }}
  }}
  process.stdout.write(JSON.stringify(out));
"""
    return {(r["name"], r["ties"]): r for r in run_node(body, games)}


def test_3x3_solutions_match_the_reference_values(js_3x3):
    rows = REFERENCE[REFERENCE["follower_class"] == "time_aware"]
    assert set(rows["game"]) == set(GAMES_3X3)
    for row in rows.itertuples():
        got = js_3x3[(row.game, row.ties)]
        assert got["leader"] == pytest.approx(row.per_step * HORIZON), (row.game, row.ties)
        assert "".join(map(str, got["table"])) == row.leader_table, (row.game, row.ties)


@pytest.mark.slow  # Python's solver takes seconds per 3x3 game
@pytest.mark.parametrize("name", [*BIGGER_GAMES, "random_3x3_1000", "random_3x3_1001"])
def test_3x3_solutions_are_identical_to_pythons(js_3x3, name):
    iterated = IteratedGame(GAMES_3X3[name], HORIZON)
    for ties in ("strong", "weak"):
        expected = solve_iterated(iterated, "time_aware", ties)
        got = js_3x3[(name, ties)]
        assert got["table"] == list(expected.leader_table), ties
        assert got["policy"] == expected.follower_policy.tolist(), ties
        # Integer payoffs: returns are exact, so bitwise equal.
        assert (got["leader"], got["follower"]) == (
            expected.leader_return,
            expected.follower_return,
        ), ties


def test_bad_payoffs_and_too_large_problems_are_named():
    actions = [["rarely", "sometimes", "always"], ["comply", "cheat a little", "cheat a lot"]]
    good = _cells(BIGGER_GAMES["inspection"])
    cases = {
        "short": [good[:4], actions, None],
        "pair": [[*good[:8], [1]], actions, None],
        "text": [[*good[:8], [1, "x"]], actions, None],
        "typed": [[*good[:4], [None, 1], *good[5:]], actions, "3,5"],
        "empty": [[[3, 3], [1, 4], [4, 1], [2, None]], [["C", "D"], ["C", "D"]], ""],
        "good": [good, actions, None],
    }
    body = """
  const out = {};
  for (const [key, [cells, actions, typed]] of Object.entries(input)) {
    out[key] = P.payoffProblem(cells, actions, () => typed ?? undefined);
  }
  const inspection = P.fromCells(input.good[0], ...input.good[1]);
  const dilemma = P.fromCells([[3, 3], [1, 4], [4, 1], [2, 2]]);
  out.refused = P.refusal(inspection, 10, "stationary");
  out.fits = [P.refusal(dilemma, 10, "stationary"), P.refusal(inspection, 10, "time_aware")];
  try {
    P.solveIterated(inspection, 10, "stationary", "strong");
  } catch (error) {
    out.thrown = error.message;
  }
  process.stdout.write(JSON.stringify(out));
"""
    out = run_node(body, cases)
    assert out["short"].startswith("a 3x3 game needs 9 (leader, follower) payoff pairs")
    assert out["short"].endswith("got 4 pairs.")
    assert (
        out["pair"]
        == "cell (always, cheat a lot) needs a (leader, follower) pair of payoffs, got [1]."
    )
    assert out["text"] == (
        'the follower payoff of cell (always, cheat a lot) must be a finite number, got "x".'
    )
    assert out["typed"] == (
        'the leader payoff of cell (sometimes, cheat a little) must be a finite number, got "3,5".'
    )
    assert (
        out["empty"] == "the follower payoff of cell DD must be a finite number, got an empty box."
    )
    assert out["good"] == ""
    assert "59,049 x 59,049 = 3,486,784,401 (leader, follower) table pairs" in out["refused"]
    assert out["fits"] == ["", ""] and out["thrown"] == out["refused"]
