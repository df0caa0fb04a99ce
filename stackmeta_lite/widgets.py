"""Interactive panels for the book (ipywidgets), and the small computations they display.

Each panel computes its first view when it is built, so a static page (widget state embedded at
build time) shows a meaningful result before anyone touches a control. Values are raw payoffs
(1..4 per step for the canonical games) unless stated otherwise. Labels use Unicode, not LaTeX.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np
import pandas as pd
from IPython.display import Image

from stackmeta_lite import plotting
from stackmeta_lite.batched import play_tables
from stackmeta_lite.games import (
    BATTLE_OF_THE_SEXES,
    CANONICAL_GAMES,
    BimatrixGame,
    from_cells,
    make_game,
)
from stackmeta_lite.iterated import IteratedGame
from stackmeta_lite.solver import (
    StackelbergSolution,
    mixed_stackelberg,
    pure_nash_equilibria,
    pure_stackelberg,
    solve_iterated,
)

CUSTOM = "custom"
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

_CELL_ORDER = ((0, 0), (0, 1), (1, 0), (1, 1))  # CC, CD, DC, DD
_TABLE_STYLE = (
    "<style>.smeta-table{border-collapse:collapse;margin:4px 0 8px 0;font-size:0.9em}"
    ".smeta-table td,.smeta-table th{border:1px solid #ccc;padding:2px 8px;text-align:center}"
    ".smeta-table th{background:#f2f2f2}</style>"
)


# --- computations shown by the panels ----------------------------------------------------------


def leader_table_in_words(iterated: IteratedGame, table: Sequence[int]) -> pd.DataFrame:
    """One row per state: when the state occurs and what the leader table plays there."""
    game = iterated.game
    rows = []
    for state, action in enumerate(table):
        if state == 0:
            when = "first step"
        else:
            when = f"after {iterated.describe_state(state)} (leader, follower)"
        rows.append({"state": state, "when": when, "leader plays": game.leader_actions[action]})
    return pd.DataFrame(rows)


def replay(
    iterated: IteratedGame, leader_table: Sequence[int], follower_policy: np.ndarray
) -> pd.DataFrame:
    """The deterministic episode of a leader table against a follower policy, one row per step.

    ``follower_policy`` is a stationary table (n_states,) or time-aware (horizon, n_states).
    Rewards are raw payoffs.
    """
    policy = np.asarray(follower_policy)
    episode = play_tables(iterated, leader_table, policy[None] if policy.ndim == 2 else policy)
    game = iterated.game
    leader, follower = episode["leader_actions"][0], episode["follower_actions"][0]
    return pd.DataFrame(
        {
            "step": np.arange(1, iterated.horizon + 1),
            "state": [iterated.describe_state(int(s)) for s in episode["states"][0]],
            "leader": [game.leader_actions[a] for a in leader],
            "follower": [game.follower_actions[a] for a in follower],
            "leader payoff": episode["leader_rewards"][0].astype(float),
            "follower payoff": episode["follower_rewards"][0].astype(float),
        }
    )


def commitment_curve(
    game: BimatrixGame, probabilities: Sequence[float], ties: str = "strong"
) -> pd.DataFrame:
    """One-shot commitment of a 2-row game: for each probability p of the leader's first action,
    the follower's best reply (ties for or against the leader) and both expected payoffs."""
    if game.n_leader_actions != 2:
        raise ValueError(f"commitment_curve needs a game with 2 leader actions, got {game.name}")
    rows = []
    for p in probabilities:
        strategy = np.array([p, 1.0 - p])
        follower = strategy @ game.follower_payoffs
        leader = strategy @ game.leader_payoffs
        best = np.flatnonzero(follower >= follower.max() - 1e-9)
        pick = best[np.argmax(leader[best])] if ties == "strong" else best[np.argmin(leader[best])]
        rows.append(
            {
                "p": float(p),
                "follower_action": game.follower_actions[pick],
                "leader_payoff": float(leader[pick]),
                "follower_payoff": float(follower[pick]),
            }
        )
    return pd.DataFrame(rows)


def _table_html(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, classes="smeta-table", border=0, float_format="{:g}".format)


def solution_html(
    game: BimatrixGame, follower_class: str = "stationary", ties: str = "strong", horizon: int = 10
) -> str:
    """HTML summary of the exact Stackelberg solution of the iterated game: value, the optimal
    leader table in words and the episode it induces."""
    iterated = IteratedGame(game, horizon)
    solution: StackelbergSolution = solve_iterated(iterated, follower_class, ties)
    words = leader_table_in_words(iterated, solution.leader_table)
    episode = replay(iterated, solution.leader_table, solution.follower_policy)
    follower_name = (
        "stationary (memory-1 table)"
        if follower_class == "stationary"
        else ("time-aware (step and state)")
    )
    parts = [
        _TABLE_STYLE,
        f"<p><b>Exact Stackelberg value: {solution.per_step:.2f} per step</b> "
        f"({solution.leader_return:g} per {horizon}-step episode, raw scale); the follower gets "
        f"{solution.follower_per_step:.2f} per step. Follower: {html.escape(follower_name)}, "
        f"{html.escape(ties)} tie-breaking.</p>",
        "<p><b>Optimal leader table</b> (its answers to the five queries):</p>",
        _table_html(words),
        "<p><b>The episode it induces</b> against the follower's best response:</p>",
        _table_html(episode),
    ]
    return "".join(parts)


# --- panels ------------------------------------------------------------------------------------


def _payoff_box(value: float, description: str) -> widgets.FloatText:
    return widgets.FloatText(
        value=value,
        description=description,
        step=1.0,
        layout=widgets.Layout(width="170px"),
        style={"description_width": "90px"},
    )


def game_explorer(game: str = "prisoners_dilemma", horizon: int = 10) -> widgets.VBox:
    """Pick a canonical game or edit the four payoff cells of a 2x2 game, and see the exact
    Stackelberg value, the optimal leader table in words and a replay of its episode."""
    start = make_game(game)
    chooser = widgets.Dropdown(
        options=[*CANONICAL_GAMES, CUSTOM],
        value=game,
        description="game",
        layout=widgets.Layout(width="300px"),
    )
    cells = {}
    for i, j in _CELL_ORDER:
        name = start.leader_actions[i] + start.follower_actions[j]
        cells[(i, j)] = (
            _payoff_box(float(start.leader_payoffs[i, j]), f"{name} leader"),
            _payoff_box(float(start.follower_payoffs[i, j]), "follower"),
        )
    follower_class = widgets.ToggleButtons(
        options=[("stationary follower", "stationary"), ("time-aware follower", "time_aware")],
        value="stationary",
        description="follower",
        style={"button_width": "auto"},
    )
    ties = widgets.ToggleButtons(
        options=[("strong (ties for the leader)", "strong"), ("weak (ties against)", "weak")],
        value="strong",
        description="ties",
        style={"button_width": "auto"},
    )
    result = widgets.HTML()
    syncing = {"on": False}

    def current_game() -> BimatrixGame:
        values = tuple((cells[c][0].value, cells[c][1].value) for c in _CELL_ORDER)
        name = chooser.value if chooser.value != CUSTOM else "custom"
        return from_cells(name, values)

    def recompute(*_) -> None:
        if syncing["on"]:
            return
        try:
            result.value = solution_html(current_game(), follower_class.value, ties.value, horizon)
        except ValueError as error:
            result.value = f"<p><b>Cannot solve this game:</b> {html.escape(str(error))}</p>"

    def on_choose(change) -> None:
        if change["new"] == CUSTOM:
            return
        chosen = make_game(change["new"])
        syncing["on"] = True
        for (i, j), (leader_box, follower_box) in cells.items():
            leader_box.value = float(chosen.leader_payoffs[i, j])
            follower_box.value = float(chosen.follower_payoffs[i, j])
        syncing["on"] = False
        recompute()

    def on_edit(_) -> None:
        if syncing["on"]:
            return
        syncing["on"] = True
        chooser.value = CUSTOM
        syncing["on"] = False
        recompute()

    chooser.observe(on_choose, names="value")
    for leader_box, follower_box in cells.values():
        leader_box.observe(on_edit, names="value")
        follower_box.observe(on_edit, names="value")
    follower_class.observe(recompute, names="value")
    ties.observe(recompute, names="value")
    recompute()
    grid = widgets.VBox(
        [widgets.HBox(list(cells[(i, 0)] + cells[(i, 1)])) for i in range(2)],
        layout=widgets.Layout(margin="4px 0 4px 0"),
    )
    header = widgets.HTML(
        "<b>Payoffs (leader, follower)</b> per cell; the first letter is the leader's action."
    )
    return widgets.VBox([chooser, header, grid, follower_class, ties, result])


def _one_shot_summary(game: BimatrixGame, p: float, ties: str) -> str:
    point = commitment_curve(game, [p], ties).iloc[0]
    pure = pure_stackelberg(game, "strong")
    mixed = mixed_stackelberg(game)
    nash = pure_nash_equilibria(game)
    la, fa = game.leader_actions, game.follower_actions
    nash_text = (
        ", ".join(f"({la[i]}, {fa[j]}) paying {game.leader_payoffs[i, j]:g}" for i, j in nash)
        or "none"
    )
    mix = ", ".join(f"{a}: {q:.2f}" for a, q in zip(la, mixed.leader_strategy, strict=True))
    return (
        f"<p>Commitment P({html.escape(la[0])}) = {p:.2f}: the follower replies "
        f"<b>{html.escape(point['follower_action'])}</b>, the leader expects "
        f"<b>{point['leader_payoff']:.2f}</b> and the follower {point['follower_payoff']:.2f}.</p>"
        f"<p>Best pure commitment: {html.escape(la[int(np.argmax(pure.leader_strategy))])} "
        f"→ {pure.leader_payoff:g}. Best mixed commitment (strong ties): ({html.escape(mix)}) "
        f"→ {mixed.leader_payoff:.2f}. Pure Nash equilibria (leader, follower): "
        f"{html.escape(nash_text)}.</p>"
    )


def commitment_figure(game: BimatrixGame, p: float) -> bytes:
    """PNG of the leader's expected payoff against its commitment P(first action), under strong
    and weak tie-breaking, with a marker at ``p``."""
    import matplotlib.pyplot as plt

    grid = np.linspace(0.0, 1.0, 201)
    fig, ax = plt.subplots(figsize=(6.0, 3.0))
    curves = [commitment_curve(game, grid, ties).assign(ties=ties) for ties in ("strong", "weak")]
    plotting.draw_commitment(ax, pd.concat(curves))
    here = commitment_curve(game, [p], "strong").iloc[0]
    ax.plot([p], [here["leader_payoff"]], "o", color="black", label="your commitment")
    ax.set_xlabel(f"probability the leader commits to {game.leader_actions[0]}")
    ax.set_ylabel("leader's expected payoff")
    ax.set_title(game.name.replace("_", " "))
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    return plotting.figure_png(fig)


def commitment_explorer(game: str = BATTLE_OF_THE_SEXES) -> widgets.VBox:
    """One-shot commitment: slide the leader's probability of its first action and see the
    follower's best reply and both payoffs, next to the pure and mixed Stackelberg and Nash
    outcomes."""
    chooser = widgets.Dropdown(
        options=list(ONE_SHOT_GAMES),
        value=game,
        description="game",
        layout=widgets.Layout(width="320px"),
    )
    slider = widgets.FloatSlider(
        value=1.0,
        min=0.0,
        max=1.0,
        step=0.01,
        description="P(first action)",
        readout_format=".2f",
        style={"description_width": "110px"},
        layout=widgets.Layout(width="420px"),
    )
    ties = widgets.ToggleButtons(
        options=[("strong", "strong"), ("weak", "weak")], value="strong", description="ties"
    )
    summary = widgets.HTML()
    figure = widgets.Output()

    def redraw(*_) -> None:
        chosen = ONE_SHOT_GAMES[chooser.value]
        summary.value = _one_shot_summary(chosen, slider.value, ties.value)
        figure.outputs = ()
        figure.append_display_data(Image(data=commitment_figure(chosen, slider.value)))

    for control in (chooser, slider, ties):
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([chooser, slider, ties, summary, figure])


def pretraining_viewer(history: pd.DataFrame, gaps: pd.DataFrame) -> widgets.VBox:
    """Pick a game and seed of a pre-training sweep and plot that run: its learning curve and its
    final exact best-response gap against every leader table.

    ``history``: game, seed, steps_with_queries, steps_plain, best_response_gap (per step);
    ``gaps``: game, seed, table, gap (per step)."""
    games = list(dict.fromkeys(history["game"]))
    seeds = sorted(int(s) for s in history["seed"].unique())
    game_box = widgets.Dropdown(options=games, value=games[0], description="game")
    seed_box = widgets.Dropdown(options=seeds, value=seeds[0], description="seed")
    summary = widgets.HTML()
    figure = widgets.Output()

    def redraw(*_) -> None:
        game, seed = game_box.value, seed_box.value
        run = history[(history["game"] == game) & (history["seed"] == seed)]
        final = gaps[(gaps["game"] == game) & (gaps["seed"] == seed)]
        if run.empty or final.empty:
            summary.value = f"<p>No run of {html.escape(game)} with seed {seed}.</p>"
            figure.outputs = ()
            return
        exact = int((final["gap"] <= 1e-6).sum())
        summary.value = (
            f"<p>{html.escape(game.replace('_', ' '))}, seed {seed}: after "
            f"{int(run['steps_with_queries'].iloc[-1]):,} env steps with queries "
            f"({int(run['steps_plain'].iloc[-1]):,} play steps) the mean gap is "
            f"<b>{run['best_response_gap'].iloc[-1]:.3f}</b> per step; the greedy follower "
            f"best-responds exactly to <b>{exact} of {len(final)}</b> leader tables.</p>"
        )
        fig = plotting.pretraining_run(run, final, title=f"{game.replace('_', ' ')}, seed {seed}")
        figure.outputs = ()
        figure.append_display_data(Image(data=plotting.figure_png(fig)))

    game_box.observe(redraw, names="value")
    seed_box.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([game_box, seed_box]), summary, figure])
