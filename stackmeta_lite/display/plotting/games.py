"""Figures of the games: payoffs, exact values, commitment curves and Battle of the Sexes."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from stackmeta_lite.display.plotting.style import (
    BOOK_WIDTH,
    FOLLOWER_LABELS,
    palette,
    styled,
)
from stackmeta_lite.games.bimatrix import CANONICAL_GAMES, BimatrixGame
from stackmeta_lite.games.naming import resolve_games


def _payoff_heatmap(ax: plt.Axes, game: BimatrixGame, vmin: float, vmax: float) -> None:
    ax.imshow(game.leader_payoffs, cmap="crest", vmin=vmin, vmax=vmax)
    for i in range(game.n_leader_actions):
        for j in range(game.n_follower_actions):
            leader = game.leader_payoffs[i, j]
            follower = game.follower_payoffs[i, j]
            ax.text(
                j,
                i,
                f"{leader:g}, {follower:g}",
                ha="center",
                va="center",
                fontsize=10,
                color="white" if leader > (vmin + vmax) / 2 else "black",
            )
    wrapped = [action.replace(" ", "\n") for action in game.follower_actions]  # long names
    ax.set_xticks(range(game.n_follower_actions), wrapped)
    ax.set_yticks(range(game.n_leader_actions), game.leader_actions)
    ax.tick_params(length=0)
    ax.grid(False)
    ax.set_title(game.name.replace("_", " "))


@styled
def payoff_grid(games: Sequence[str | BimatrixGame] = CANONICAL_GAMES, ncols: int = 4) -> Figure:
    """Small heat maps of the leader's payoff, one per game (a name or a ``BimatrixGame`` of any
    size), each cell annotated 'leader, follower'; rows are the leader's action, columns the
    follower's."""
    loaded = resolve_games(games)
    nrows = int(np.ceil(len(loaded) / ncols))
    size = max(max(g.leader_payoffs.shape) for g in loaded) / 2
    width = min(BOOK_WIDTH, BOOK_WIDTH / 4 * ncols * size)
    height = 2.0 * nrows * (1 + (size - 1) / 2)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), squeeze=False)
    vmin = min(g.leader_payoffs.min() for g in loaded)
    vmax = max(g.leader_payoffs.max() for g in loaded)
    for ax, game in zip(axes.flat, loaded, strict=False):
        _payoff_heatmap(ax, game, vmin, vmax)
    for ax in axes.flat[len(loaded) :]:
        ax.set_visible(False)
    fig.supxlabel("follower's action", fontsize=10)
    fig.supylabel("leader's action", fontsize=10)
    fig.tight_layout()
    return fig


@styled
def stackelberg_values(values: pd.DataFrame) -> Figure:
    """Leader value per step (raw) of each game under several solution concepts, one marker per
    concept. ``values``: game, concept, value."""
    fig, ax = plt.subplots(figsize=(BOOK_WIDTH, 5.0))
    sns.pointplot(
        data=values,
        y="game",
        x="value",
        hue="concept",
        dodge=0.5,
        linestyle="none",
        markers=["o", "s", "D", "^", "v"][: values["concept"].nunique()],
        ax=ax,
    )
    ax.set_xlabel("leader value per step (raw 1..4 scale)")
    ax.set_ylabel("")
    ax.set_yticks(ax.get_yticks(), [t.get_text().replace("_", " ") for t in ax.get_yticklabels()])
    ax.legend(title="", bbox_to_anchor=(1.01, 1), loc="upper left", frameon=False)
    fig.tight_layout()
    return fig


# --- Atari bullet trade (chapter 6) -------------------------------------------------------------


def _draw_commitment(ax: mpl.axes.Axes, curves: pd.DataFrame) -> None:
    """The leader's expected payoff against P(first action) on ``ax``: strong ties a thick solid
    line with circles, weak ties a thin dashed line with crosses on top of it, in another colour,
    so that both show where they coincide. ``curves``: ties, p, leader_payoff."""
    colours = sns.color_palette("colorblind", 2)
    for colour, (ties, style, width, marker) in zip(
        colours, (("strong", "-", 4.0, "o"), ("weak", "--", 1.6, "x")), strict=True
    ):
        part = curves[curves["ties"] == ties]
        ax.plot(
            part["p"],
            part["leader_payoff"],
            linestyle=style,
            linewidth=width,
            marker=marker,
            markevery=max(len(part) // 8, 1),
            markersize=7,
            color=colour,
            alpha=0.6 if ties == "strong" else 1.0,
            label=f"{ties} ties",
        )


@styled
def commitment_curves(curves: pd.DataFrame, ncols: int = 3) -> Figure:
    """One-shot commitment: the leader's expected payoff against the probability of its first
    action, one panel per game, strong (thick, solid) and weak (thin, dashed) tie-breaking.

    ``curves``: game, ties, p, leader_payoff (as from ``describe.commitment_curve``)."""
    games = list(dict.fromkeys(curves["game"]))
    ncols = min(ncols, len(games))
    nrows = int(np.ceil(len(games) / ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(BOOK_WIDTH / 3 * ncols, 3.0 * nrows), squeeze=False
    )
    for ax, game in zip(axes.flat, games, strict=False):
        _draw_commitment(ax, curves[curves["game"] == game])
        ax.set_title(game.replace("_", " "))
        ax.set_xlabel("P(leader's first action)")
    for ax in axes.flat[len(games) :]:
        ax.set_visible(False)
    axes[0, 0].set_ylabel("leader's expected payoff")
    axes[0, 0].legend()
    fig.tight_layout()
    return fig


@styled
def bos_leader_rewards(results: pd.DataFrame, ncols: int = 2) -> Figure:
    """The paper's Figure 3: leader reward (raw, 2 = Stackelberg) against leader updates, one
    panel per seed, Q-table reset and continuous learning as two lines."""
    seeds = sorted(results["seed"].unique())
    ncols = min(ncols, len(seeds))
    nrows = int(np.ceil(len(seeds) / ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(BOOK_WIDTH / 2 * ncols, 2.4 * nrows), sharey=True, squeeze=False
    )
    colours = palette(list(FOLLOWER_LABELS))
    for ax, seed in zip(axes.flat, seeds, strict=False):
        for variant, label in FOLLOWER_LABELS.items():
            run = results[(results["seed"] == seed) & (results["follower"] == variant)]
            ax.plot(
                run["update"],
                run["leader_reward"],
                color=colours[variant],
                label=label,
                linewidth=1.2,
            )
        ax.set_title(f"seed {seed}")
        ax.set_xlabel("leader update")
        ax.set_ylim(-0.05, 2.1)
    for ax in axes.flat[len(seeds) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("leader reward")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(
        handles, labels, loc="lower center", ncol=2, frameon=False, bbox_to_anchor=(0.5, -0.02)
    )
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


@styled
def k_sweep(final: pd.DataFrame) -> Figure:
    """Final leader reward (mean of the last updates) against the follower's Q-learning
    episodes per leader episode, one dot per seed, by follower variant."""
    fig, ax = plt.subplots(figsize=(BOOK_WIDTH, 3.6))
    data = final.assign(follower=final["follower"].map(FOLLOWER_LABELS))
    colours = {FOLLOWER_LABELS[k]: v for k, v in palette(list(FOLLOWER_LABELS)).items()}
    sns.stripplot(
        data=data,
        x="episodes",
        y="final_leader_reward",
        hue="follower",
        palette=colours,
        dodge=True,
        jitter=0.15,
        size=7,
        ax=ax,
    )
    ax.axhline(2.0, color="0.3", linestyle=":", linewidth=1)
    ax.axhline(1.0, color="0.3", linestyle=":", linewidth=1)
    ax.text(ax.get_xlim()[1], 2.0, " Stackelberg", va="center", fontsize=9)
    ax.text(ax.get_xlim()[1], 1.0, " follower's\n equilibrium", va="center", fontsize=9)
    ax.set_xlabel("follower Q-learning episodes per leader episode (K)")
    ax.set_ylabel("final leader reward")
    ax.set_ylim(-0.05, 2.15)
    ax.legend(title="", loc="lower right", frameon=True)
    fig.tight_layout()
    return fig
