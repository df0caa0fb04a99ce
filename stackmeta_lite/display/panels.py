"""The book's interactive panels: display only, computed in the browser.

A panel is a cell output of plain HTML: its state as JSON, the ES module ``panels.js`` inline (a
readable port of ``solver``, checked against it by tests/test_panels_js.py) and a one-line call of
its ``render({model, el})``. The same output works offline in the static book and in JupyterLab
(which runs the scripts of a trusted output), with no kernel and no widget manager. Where scripts
do not run (an untrusted notebook) the panel shows its first view, computed here by the Python
solver. Payoffs are raw (1..4 per step for the canonical games).
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
from dataclasses import dataclass
from importlib.resources import files

import numpy as np
import pandas as pd

from stackmeta_lite.common.validation import check_bool
from stackmeta_lite.display.describe import commitment_curve, leader_table_in_words, replay
from stackmeta_lite.games.bimatrix import (
    BATTLE_OF_THE_SEXES,
    CANONICAL_GAMES,
    BimatrixGame,
    make_game,
)
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.one_shot import mixed_stackelberg, pure_nash_equilibria, pure_stackelberg
from stackmeta_lite.games.solver import solve_iterated

COMMITMENT_EXAMPLE = BimatrixGame(
    np.array([[2.0, 4.0], [1.0, 3.0]]),
    np.array([[1.0, 0.0], [0.0, 1.0]]),
    name="commitment_example",
    leader_actions=("U", "D"),
    follower_actions=("L", "R"),
)
"""A one-shot game where committing to a mixed strategy beats every pure commitment: pure
commitment gets the leader 3, mixing U and D half and half gets it 3.5."""

ONE_SHOT_GAMES: dict[str, BimatrixGame] = {
    BATTLE_OF_THE_SEXES: make_game(BATTLE_OF_THE_SEXES),
    COMMITMENT_EXAMPLE.name: COMMITMENT_EXAMPLE,
    **{name: make_game(name) for name in CANONICAL_GAMES},
}

MODULE = files("stackmeta_lite.display").joinpath("panels.js").read_text()
"""The panels' ES module (stackmeta_lite/display/panels.js)."""
_NO_SCRIPT_NOTE = (
    "<p><i>This panel computes in your browser; where scripts do not run (an untrusted "
    "notebook: run the cell) it shows its first view:</i></p>"
)
_ids = itertools.count()


@dataclass(frozen=True)
class Panel:
    """A browser panel: ``kind`` and ``state`` for panels.js, and the ``first_view`` HTML shown
    where scripts do not run."""

    kind: str
    state: dict
    first_view: str

    def _repr_html_(self) -> str:
        state = json.dumps({"kind": self.kind, **self.state}, separators=(",", ":"))
        digest = hashlib.sha1(state.encode()).hexdigest()[:8]
        uid = f"smeta-panel-{digest}-{next(_ids)}"
        # JSON inside a script element: escape "<" so no "</script>" can end it early.
        state = state.replace("<", "\\u003c")
        return (
            f'<div id="{uid}" class="smeta-panel" data-kind="{self.kind}">'
            f"{_NO_SCRIPT_NOTE}{self.first_view}</div>"
            f'<script type="application/json" id="{uid}-state">{state}</script>'
            f'<script type="module">{MODULE}\n'
            f'render({{model: plainModel(JSON.parse(document.getElementById("{uid}-state")'
            f'.textContent)), el: document.getElementById("{uid}")}});</script>'
        )


def _table_html(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, border=0, float_format="{:g}".format)


def solution_html(
    game: BimatrixGame, follower_class: str = "stationary", ties: str = "strong", horizon: int = 10
) -> str:
    """HTML summary of the exact Stackelberg solution of the iterated game: value, the optimal
    leader table in words and the episode it induces."""
    iterated = IteratedGame(game, horizon)
    solution = solve_iterated(iterated, follower_class, ties)
    words = leader_table_in_words(iterated, solution.leader_table)
    episode = replay(iterated, solution.leader_table, solution.follower_policy)
    follower_name = (
        "stationary (memory-1 table)" if follower_class == "stationary" else "time-aware"
    )
    return (
        f"<p><b>Exact Stackelberg value: {solution.per_step:.2f} per step</b> "
        f"({solution.leader_return:g} per {horizon}-step episode, raw scale); the follower gets "
        f"{solution.follower_per_step:.2f} per step. Follower: {html.escape(follower_name)}, "
        f"{html.escape(ties)} tie-breaking.</p>"
        "<p><b>Optimal leader table</b> (its answers to the queries):</p>"
        f"{_table_html(words)}"
        "<p><b>The episode it induces</b> against the follower's best response:</p>"
        f"{_table_html(episode)}"
    )


def _one_shot_html(game: BimatrixGame, p: float, ties: str) -> str:
    point = commitment_curve(game, [p], ties).iloc[0]
    pure = pure_stackelberg(game, "strong")
    mixed = mixed_stackelberg(game)
    la, fa = game.leader_actions, game.follower_actions
    nash = ", ".join(
        f"({la[i]}, {fa[j]}) paying {game.leader_payoffs[i, j]:g}"
        for i, j in pure_nash_equilibria(game)
    )
    return html.escape(
        f"Commitment P({la[0]}) = {p:.2f}: the follower replies {point['follower_action']}, the "
        f"leader expects {point['leader_payoff']:.2f}. Best pure commitment: "
        f"{la[int(np.argmax(pure.leader_strategy))]} → {pure.leader_payoff:g}. Best mixed "
        f"commitment (strong ties): P({la[0]}) = {mixed.leader_strategy[0]:.2f} → "
        f"{mixed.leader_payoff:.2f}. Pure Nash equilibria: {nash or 'none'}."
    ).join(("<p>", "</p>"))


def _cells(game: BimatrixGame) -> list[list[float]]:
    """(leader, follower) payoffs in the cell order CC, CD, DC, DD, as games.from_cells takes."""
    return [
        [float(game.leader_payoffs[i, j]), float(game.follower_payoffs[i, j])]
        for i, j in ((0, 0), (0, 1), (1, 0), (1, 1))
    ]


def _game_state(game: BimatrixGame) -> dict:
    return {"cells": _cells(game), "actions": [game.leader_actions, game.follower_actions]}


def game_explorer(
    game: str = "prisoners_dilemma", horizon: int = 10, one_shot: bool = False
) -> Panel:
    """Pick a canonical game or edit the four payoff cells of a 2x2 game, choose the follower
    class and tie rule, and see the exact Stackelberg value of the iterated game, the optimal
    leader table in words and its episode; with ``one_shot``, also the one-shot commitment curve
    (pure and mixed commitment, pure Nash)."""
    games = (
        ONE_SHOT_GAMES
        if check_bool("one_shot", one_shot)
        else {name: make_game(name) for name in CANONICAL_GAMES}
    )
    if game not in games:
        raise ValueError(f"unknown game {game!r}; the panel offers: {', '.join(games)}")
    start = games[game]
    first_view = solution_html(start, horizon=horizon)
    if one_shot:
        first_view = _one_shot_html(start, 1.0, "strong") + first_view
    state = {
        "games": {name: _game_state(g) for name, g in games.items()},
        "game": game,
        **_game_state(start),
        "follower_class": "stationary",
        "ties": "strong",
        "horizon": horizon,
        "one_shot": one_shot,
        "p": 1.0,
    }
    return Panel("game", state, first_view)


def commitment_explorer(game: str = BATTLE_OF_THE_SEXES) -> Panel:
    """The game panel with the one-shot commitment curve, starting at ``game``."""
    return game_explorer(game, one_shot=True)


def pretraining_viewer(history: pd.DataFrame, gaps: pd.DataFrame) -> Panel:
    """Pick a game and seed of a pre-training sweep and see that run: its learning curve and its
    final exact best-response gap against every leader table (the run data is embedded).

    ``history``: game, seed, steps_with_queries, steps_plain, best_response_gap (per step);
    ``gaps``: game, seed, table, gap (per step)."""
    # Imported here: experiments loads torch, which the game panels of chapters 1-2 do not need.
    from stackmeta_lite.games.solver import GAP_TOLERANCE

    runs: dict[str, dict[int, dict]] = {}
    for (game, seed), run in history.groupby(["game", "seed"], sort=False):
        final = gaps[(gaps["game"] == game) & (gaps["seed"] == seed)]
        if final.empty:
            continue
        runs.setdefault(str(game), {})[int(seed)] = {
            "steps_with_queries": run["steps_with_queries"].astype(int).tolist(),
            "steps_plain": run["steps_plain"].astype(int).tolist(),
            "gap": [float(f"{g:.4g}") for g in run["best_response_gap"]],
            "tables": final["table"].astype(str).tolist(),
            "table_gaps": [float(f"{g:.4g}") for g in final["gap"]],
        }
    if not runs:
        raise ValueError("pretraining_viewer needs at least one (game, seed) in both tables")
    game = next(iter(runs))
    seed = min(runs[game])
    run = runs[game][seed]
    exact = sum(g <= GAP_TOLERANCE for g in run["table_gaps"])
    first_view = html.escape(
        f"{game.replace('_', ' ')}, seed {seed}: after {run['steps_with_queries'][-1]:,} env steps "
        f"with queries the mean gap is {run['gap'][-1]:.3f} per step; the greedy follower "
        f"best-responds exactly to {exact} of {len(run['table_gaps'])} leader tables."
    ).join(("<p>", "</p>"))
    state = {
        "runs": runs,
        "game": game,
        "seed": seed,
        "steps": "with_queries",
        "exact_below": GAP_TOLERANCE,
    }
    return Panel("pretraining", state, first_view)
