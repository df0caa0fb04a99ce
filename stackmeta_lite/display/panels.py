"""The book's interactive panels: Jupyter widgets in a live kernel, plain HTML in the static book.

One ES module, ``panels.js`` (a readable port of ``solver``, checked against it by
tests/test_panels_js.py), draws every panel through its ``render({model, el})``. A panel is an
anywidget whose ``_esm`` is that module and whose synced traits are the panel's state: in
JupyterLab Python reads and sets what the reader chose (``panel.cells``, ``panel.follower_class``,
``panel.ties``), and the game panel's "train" button runs the method on the edited game in the
kernel and draws its curve. The same object's text/html output (``Panel``) carries the state as
JSON and the module inline, so the static book (which loads no widget manager: book/_config.yml
renders text/html, not the widget view) shows the same panel, computed in the browser, with no
kernel and no training. Where scripts do not run (an untrusted notebook) that output shows its
first view, computed here by the Python solver. Payoffs are raw (1..4 per step for the canonical
games). The game panel takes games of any size the browser can solve: the 12 canonical 2x2 games
and the 3x3 suite of ``games.bigger`` (time-aware follower; a stationary one is refused there).
"""

from __future__ import annotations

import functools
import hashlib
import html
import itertools
import json
import re
from dataclasses import dataclass, replace
from importlib.resources import files
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import traitlets

try:
    import anywidget
except ModuleNotFoundError as error:
    raise ModuleNotFoundError(
        "the panels are Jupyter widgets and need anywidget: install the readers' extra "
        "(pip install 'stackmeta-lite[readers]')"
    ) from error

from stackmeta_lite.common.validation import (
    check_bool,
    check_number,
    check_positive_int,
    check_range,
)
from stackmeta_lite.display.describe import commitment_curve, leader_table_in_words, replay
from stackmeta_lite.games.bigger import BIGGER_GAMES
from stackmeta_lite.games.bimatrix import (
    BATTLE_OF_THE_SEXES,
    CANONICAL_GAMES,
    BimatrixGame,
    make_game,
)
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.one_shot import mixed_stackelberg, pure_nash_equilibria, pure_stackelberg
from stackmeta_lite.games.solver import (
    FOLLOWER_CLASSES,
    GAP_TOLERANCE,
    check_solvable,
    solve_iterated,
)
from stackmeta_lite.games.ties import TIE_RULES

COMMITMENT_EXAMPLE = BimatrixGame(
    np.array([[2.0, 4.0], [1.0, 3.0]]),
    np.array([[1.0, 0.0], [0.0, 1.0]]),
    name="commitment_example",
    leader_actions=("U", "D"),
    follower_actions=("L", "R"),
)
"""A one-shot game where committing to a mixed strategy beats every pure commitment: pure
commitment gets the leader 3, mixing U and D half and half gets it 3.5."""

CATALOG_GAMES: dict[str, BimatrixGame] = {name: make_game(name) for name in CANONICAL_GAMES}
"""The 12 canonical 2x2 games, by name."""

ONE_SHOT_GAMES: dict[str, BimatrixGame] = {
    BATTLE_OF_THE_SEXES: make_game(BATTLE_OF_THE_SEXES),
    COMMITMENT_EXAMPLE.name: COMMITMENT_EXAMPLE,
    **CATALOG_GAMES,
}

MODULE = files("stackmeta_lite.display").joinpath("panels.js").read_text()
"""The panels' ES module (stackmeta_lite/display/panels.js)."""
PLAYERS = ("leader", "follower")
_NO_SCRIPT_NOTE = (
    "<p><i>This panel computes in your browser; where scripts do not run (an untrusted "
    "notebook: run the cell) it shows its first view:</i></p>"
)
_ids = itertools.count()


@dataclass(frozen=True)
class Panel:
    """A panel's static output: ``kind`` and ``state`` for panels.js, and the ``first_view`` HTML
    shown where scripts do not run."""

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


class PanelWidget(anywidget.AnyWidget):
    """A panel as a Jupyter widget: panels.js draws it from the synced traits; its text/html
    output is the same panel from embedded state (``static``), for pages without a kernel."""

    _esm = MODULE
    kind = traitlets.Unicode().tag(sync=True)
    STATIC: ClassVar[tuple[str, ...]] = ()
    """The traits the static output embeds (those panels.js reads; no training state)."""

    def first_view(self) -> str:
        """The HTML shown where scripts do not run."""
        raise NotImplementedError

    def static(self) -> Panel:
        """The panel as it stands, as a static output."""
        return Panel(self.kind, {key: getattr(self, key) for key in self.STATIC}, self.first_view())

    def _repr_html_(self) -> str:
        return self.static()._repr_html_()


def _cell_names(actions: list[list[str]]) -> list[str]:
    """The cells of the payoff grid, row by row, as panels.js names them: "CD" when every action
    name is one letter, else "(leader action, follower action)"."""
    leader, follower = actions
    short = all(re.fullmatch("[A-Za-z]", name) for name in (*leader, *follower))
    return [f"{a}{b}" if short else f"({a}, {b})" for a in leader for b in follower]


def _cell_value(cell: str, who: str, value: Any) -> float | None:
    """A payoff of a cell as a float; None is an empty box in the panel."""
    if value is None:
        return None
    try:
        return check_number(f"the {who} payoff of cell {cell}", value)
    except ValueError as error:
        raise traitlets.TraitError(str(error)) from None


class GamePanel(PanelWidget):
    """The game panel (see ``game_explorer``): an n x m game, the follower class and the tie rule
    as synced traits, and ``train``, which runs the method on the panel's game."""

    games = traitlets.Dict().tag(sync=True)
    game = traitlets.Unicode().tag(sync=True)
    cells = traitlets.List().tag(sync=True)
    """(leader, follower) payoffs, one pair per cell row by row (CC, CD, DC, DD for a 2x2 game);
    None where a box is empty or holds no number."""
    actions = traitlets.List().tag(sync=True)
    follower_class = traitlets.Enum(FOLLOWER_CLASSES, "stationary").tag(sync=True)
    ties = traitlets.Enum(TIE_RULES, "strong").tag(sync=True)
    horizon = traitlets.Int(10).tag(sync=True)
    one_shot = traitlets.Bool(False).tag(sync=True)
    p = traitlets.Float(1.0).tag(sync=True)
    trainable = traitlets.Bool(True).tag(sync=True)
    """panels.js shows the train button (only here: the static output has no kernel)."""
    training = traitlets.Bool(False).tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    curve = traitlets.Dict().tag(sync=True)
    """The last training's curve: env ``steps``, the greedy leader's ``value`` per step after
    each update, and the exact stationary optima (``optimum``: strong ties, ``optimum_weak``)."""
    train_iterations = traitlets.Int(None, allow_none=True)
    """Leader updates per training; None: the PPO leader preset's."""
    STATIC = (
        "games",
        "game",
        "cells",
        "actions",
        "follower_class",
        "ties",
        "horizon",
        "one_shot",
        "p",
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(kind="game", **kwargs)
        self.on_msg(self._on_message)

    @traitlets.validate("cells")
    def _check_cells(self, proposal: dict) -> list[list[float | None]]:
        cells, names = proposal["value"], _cell_names(self.actions)
        if len(cells) != len(names) or any(
            not isinstance(c, list | tuple) or len(c) != 2 for c in cells
        ):
            raise traitlets.TraitError(
                f"cells must be {len(names)} (leader, follower) payoff pairs, one per cell row by "
                f"row ({', '.join(names)}); got {cells!r}"
            )
        return [
            [_cell_value(name, who, value) for who, value in zip(PLAYERS, cell, strict=True)]
            for name, cell in zip(names, cells, strict=True)
        ]

    @traitlets.validate("p")
    def _check_p(self, proposal: dict) -> float:
        try:
            check_range("p", proposal["value"], 0.0, 1.0)
        except ValueError as error:
            raise traitlets.TraitError(str(error)) from None
        return float(proposal["value"])

    @traitlets.observe("game")
    def _load_game(self, change: dict) -> None:
        if change["new"] in self.games:
            self.actions = self.games[change["new"]]["actions"]
            self.cells = self.games[change["new"]]["cells"]

    @traitlets.observe("cells")
    def _mark_custom(self, change: dict) -> None:
        chosen = self.games.get(self.game)
        if chosen is not None and chosen["cells"] != change["new"]:
            self.game = "custom"

    def bimatrix(self) -> BimatrixGame:
        """The panel's game as it stands; a ValueError names an empty payoff box."""
        for name, cell in zip(_cell_names(self.actions), self.cells, strict=True):
            for who, value in zip(PLAYERS, cell, strict=True):
                if value is None:
                    raise ValueError(f"the {who} payoff of cell {name} is empty: type a number")
        (leader_actions, follower_actions) = map(tuple, self.actions)
        shape = (len(leader_actions), len(follower_actions), 2)
        payoffs = np.array(self.cells, dtype=float).reshape(shape)
        return BimatrixGame(
            payoffs[..., 0],
            payoffs[..., 1],
            name=self.game,
            leader_actions=leader_actions,
            follower_actions=follower_actions,
        )

    def first_view(self) -> str:
        try:
            game = self.bimatrix()
            view = solution_html(game, self.follower_class, self.ties, self.horizon)
        except ValueError as error:  # an empty box, or a game too large for the solver
            return f"<p>{html.escape(str(error))}</p>"
        return (_one_shot_html(game, self.p, self.ties) + view) if self.one_shot else view

    def train(self, seed: int = 0) -> pd.DataFrame:
        """Run the method (``meta_ppo``, as ``experiments.run`` runs it on a catalog game) on the
        panel's game, with ``train_iterations`` leader updates; show its curve in the panel and
        return its rows (``experiments.scoring``). The method's follower is stationary, whatever
        the panel's follower class."""
        # Imported here: training loads torch, which showing the panel does not need.
        from stackmeta_lite.experiments.run import RunConfig, run_game
        from stackmeta_lite.learners import torch_threads
        from stackmeta_lite.method.methods import method_named

        iterated = IteratedGame(self.bimatrix(), self.horizon)
        method = method_named("meta_ppo")
        leader_config = method.leader_preset()
        if self.train_iterations is not None:
            leader_config = replace(leader_config, iterations=self.train_iterations)
        self.training = True
        self.status = f"Training: {leader_config.iterations} leader updates..."
        try:
            with torch_threads(1):
                rows = run_game(iterated, seed, method, RunConfig(leader=leader_config))
        finally:
            self.training = False
        last = rows.iloc[-1]
        self.curve = {
            "steps": rows["steps_with_queries"].astype(int).tolist(),
            "value": [round(float(v), 4) for v in rows["leader_value"]],
            "optimum": round(float(last["optimum"]), 4),
            "optimum_weak": round(float(last["optimum_weak"]), 4),
        }
        self.status = (
            f"Seed {seed}, {len(rows)} leader updates, {int(last['steps_with_queries']):,} env "
            f"steps: the greedy leader gets {last['leader_value']:.2f} per step; the exact "
            f"optimum against a stationary follower is {last['optimum']:.2f} (strong ties), "
            f"{last['optimum_weak']:.2f} (weak)."
        )
        return rows

    def _on_message(self, _widget: object, content: dict, _buffers: list) -> None:
        if content.get("action") != "train":
            return
        try:
            self.train()
        except ValueError as error:
            self.status = f"Cannot train: {error}"


class PretrainingPanel(PanelWidget):
    """The pre-training viewer (see ``pretraining_viewer``): the chosen game, seed and step
    convention as synced traits."""

    runs = traitlets.Dict().tag(sync=True)
    game = traitlets.Unicode().tag(sync=True)
    seed = traitlets.Int().tag(sync=True)
    steps = traitlets.Enum(("with_queries", "plain"), "with_queries").tag(sync=True)
    exact_below = traitlets.Float(GAP_TOLERANCE).tag(sync=True)
    STATIC = ("runs", "game", "seed", "steps", "exact_below")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(kind="pretraining", **kwargs)

    def first_view(self) -> str:
        run = self.runs[self.game][self.seed]
        exact = sum(g <= self.exact_below for g in run["table_gaps"])
        return html.escape(
            f"{self.game.replace('_', ' ')}, seed {self.seed}: after "
            f"{run['steps_with_queries'][-1]:,} env steps with queries the mean gap is "
            f"{run['gap'][-1]:.3f} per step; the greedy follower best-responds exactly to "
            f"{exact} of {len(run['table_gaps'])} leader tables."
        ).join(("<p>", "</p>"))


def _table_html(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, border=0, float_format="{:g}".format)


@functools.lru_cache(maxsize=16)  # a 3x3 game takes seconds; a panel shows its first view twice
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
    """(leader, follower) payoffs, one pair per cell row by row, as panels.js's fromCells takes."""
    return np.stack([game.leader_payoffs, game.follower_payoffs], axis=-1).reshape(-1, 2).tolist()


def _game_state(game: BimatrixGame) -> dict:
    return {
        "cells": _cells(game),
        "actions": [list(game.leader_actions), list(game.follower_actions)],
    }


def _panel_games(
    game: str | BimatrixGame, one_shot: bool
) -> tuple[dict[str, BimatrixGame], BimatrixGame]:
    """The games the panel lists and the one it starts at. A name picks its list: the one-shot
    games (``one_shot``), else the 12 canonical games or the 3x3 suite (``BIGGER_GAMES``). A
    ``BimatrixGame`` joins the list of its size (2x2: the canonical games, else the suite) under
    its name, or starts as the panel's "custom" game if that is its name."""
    lists = [ONE_SHOT_GAMES] if one_shot else [CATALOG_GAMES, BIGGER_GAMES]
    if isinstance(game, str):
        found = next((games for games in lists if game in games), None)
        if found is None:
            offered = ", ".join(name for games in lists for name in games)
            raise ValueError(f"unknown game {game!r}; the panel offers: {offered}")
        return found, found[game]
    if not isinstance(game, BimatrixGame):
        raise ValueError(
            f"game must be a game's name or a BimatrixGame, got {game!r} ({type(game).__name__})"
        )
    if one_shot and game.n_leader_actions != 2:
        raise ValueError(
            f"the one-shot view commits between 2 leader actions; {game.name!r} has "
            f"{game.n_leader_actions}"
        )
    games = lists[0] if game.leader_payoffs.shape == (2, 2) else lists[-1]
    if game.name == "custom":
        return games, game
    if games.get(game.name, game) != game:
        raise ValueError(
            f"the panel lists a different game called {game.name!r}: give yours another name"
        )
    return {**games, game.name: game}, game


def _stationary_fits(game: BimatrixGame, horizon: int) -> bool:
    """Whether the exact solver can enumerate every stationary follower table (2x2: yes; 3x3:
    59,049 x 59,049 table pairs, no)."""
    iterated = IteratedGame(game, horizon)
    try:
        check_solvable(iterated, iterated.n_contexts, "stationary")
    except ValueError:
        return False
    return True


def game_explorer(
    game: str | BimatrixGame = "prisoners_dilemma", horizon: int = 10, one_shot: bool = False
) -> GamePanel:
    """Pick a game or edit its payoffs, choose the follower class and tie rule, and see the exact
    Stackelberg value of the iterated game, the optimal leader table in words, its episode and
    how long the browser took to solve it; with ``one_shot``, also the one-shot commitment curve
    (pure and mixed commitment, pure Nash). In a live kernel, also train the method on the game.

    ``game``: a canonical 2x2 game's name (the panel lists the 12), a 3x3 suite game's name from
    ``games.bigger.BIGGER_GAMES`` (the panel lists the 4, e.g. ``game_explorer("inspection")``),
    or a ``BimatrixGame`` of any size (listed with the games of its size). The follower starts
    stationary where the exact solver can enumerate its tables (2x2), else time-aware (3x3)."""
    check_bool("one_shot", one_shot)
    check_positive_int("horizon", horizon)
    games, start = _panel_games(game, one_shot)
    return GamePanel(
        games={name: _game_state(g) for name, g in games.items()},
        game=start.name,
        **_game_state(start),
        follower_class="stationary" if _stationary_fits(start, horizon) else "time_aware",
        horizon=horizon,
        one_shot=one_shot,
    )


def commitment_explorer(game: str = BATTLE_OF_THE_SEXES) -> GamePanel:
    """The game panel with the one-shot commitment curve, starting at ``game``."""
    return game_explorer(game, one_shot=True)


def pretraining_viewer(history: pd.DataFrame, gaps: pd.DataFrame) -> PretrainingPanel:
    """Pick a game and seed of a pre-training sweep and see that run: its learning curve and its
    final exact best-response gap against every leader table (the run data is embedded).

    ``history``: game, seed, steps_with_queries, steps_plain, best_response_gap (per step);
    ``gaps``: game, seed, table, gap (per step)."""
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
    return PretrainingPanel(runs=runs, game=game, seed=min(runs[game]))
