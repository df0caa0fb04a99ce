"""Figures of learning: follower pre-training, leaders against the exact optimum, paired runs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from stackmeta_lite.display.plotting.style import (
    BOOK_WIDTH,
    METHOD_LABELS,
    STEP_LABELS,
    method_palette,
    palette,
    state_order,
    styled,
)
from stackmeta_lite.experiments.growth import METHODS as GROWTH_METHODS
from stackmeta_lite.games.iterated import IteratedGame


@styled
def exactness_curves(curves: pd.DataFrame, steps: str = "steps_with_queries") -> Figure:
    """Follower pre-training against env steps, one line per learner: left the share of leader
    tables on which the greedy follower is exact (mean over runs, 10-90% band), right the share
    of runs exact on every table. ``curves``: learner, ``steps``, share_exact, all_exact."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(BOOK_WIDTH, 3.8), sharex=True)
    for ax, column, label in (
        (left, "share_exact", "share of leader tables\nwith an exact reply"),
        (right, "all_exact", "share of pre-trainings exact\non every leader table"),
    ):
        sns.lineplot(
            data=curves.assign(**{column: curves[column].astype(float)}),
            x=steps,
            y=column,
            hue="learner",
            errorbar=("pi", 80) if column == "share_exact" else None,
            ax=ax,
            legend=ax is right,
        )
        ax.set_xscale("symlog", linthresh=1000)
        # 0, then powers of ten from the end of the linear part: no two labels run together.
        ax.xaxis.set_major_locator(mpl.ticker.FixedLocator([0, *(10.0**k for k in range(3, 9))]))
        ax.xaxis.set_minor_locator(mpl.ticker.NullLocator())
        ax.xaxis.set_major_formatter(
            mpl.ticker.FuncFormatter(lambda x, _: "0" if x == 0 else f"$10^{{{np.log10(x):.0f}}}$")
        )
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("")
        ax.set_ylabel(label)
    # One step label for both panels (two long labels side by side would run into each other).
    label = STEP_LABELS.get(steps, steps).split(" (")[0]
    fig.supxlabel(f"{label} (linear to 1,000, log above)", fontsize=10)
    handles, labels = right.get_legend_handles_labels()
    right.get_legend().remove()
    fig.legend(handles, labels, loc="upper center", ncol=len(labels), frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    return fig


@styled
def gap_heatmap(
    gaps: pd.DataFrame,
    row: str = "game",
    column: str = "table",
    iterated: IteratedGame | None = None,
) -> Figure:
    """Heat map of the exact best-response gap (raw follower payoff per step) of a pre-trained
    follower: one row per ``row`` value, one column per leader table (states of ``iterated``
    named in the axis label when given)."""
    grid = gaps.pivot_table(index=row, columns=column, values="gap", sort=False)
    height = 0.9 + 0.32 * len(grid)
    fig, ax = plt.subplots(figsize=(BOOK_WIDTH, height + 0.4))
    vmax = max(float(np.nanmax(grid.to_numpy())), 0.1)
    sns.heatmap(
        grid,
        ax=ax,
        cmap="rocket_r",
        vmin=0.0,
        vmax=vmax,
        linewidths=0.4,
        linecolor="white",
        cbar_kws={"label": "gap per step", "pad": 0.01},
    )
    states = f" (action in states {state_order(iterated)})" if iterated is not None else ""
    ax.set_xlabel(f"leader table{states}")
    ax.set_ylabel("")
    ax.tick_params(axis="x", labelrotation=90)
    fig.tight_layout()
    return fig


@styled
def benchmark(
    results: pd.DataFrame,
    steps: str = "steps_with_queries",
    games: Sequence[str] | None = None,
    reference_levels: Mapping[str, float] | None = None,
    ncols: int = 3,
) -> Figure:
    """The paper's Figure 1: greedy leader value (raw per step, 1..4) against env steps, one
    panel per game, one line per method with a min-max band over seeds, the exact (strong,
    stationary) Stackelberg value dashed, and optional reference levels (dotted)."""
    games = list(games if games is not None else results["game"].unique())
    nrows = int(np.ceil(len(games) / ncols))
    ncols = min(ncols, len(games))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(BOOK_WIDTH / 3 * ncols, 2.4 * nrows), sharey=True, squeeze=False
    )
    colours = method_palette()
    data = _carried_forward(results, steps)
    data["method"] = data["method"].map(METHOD_LABELS)
    hue_colours = {METHOD_LABELS[k]: v for k, v in colours.items()}
    for ax, game in zip(axes.flat, games, strict=False):
        run = data[data["game"] == game]
        sns.lineplot(
            data=run,
            x=steps,
            y="leader_value",
            hue="method",
            palette=hue_colours,
            errorbar=("pi", 100),
            ax=ax,
            legend=False,
            linewidth=1.3,
        )
        optimum = float(run["optimum"].iloc[0])
        ax.axhline(optimum, color="black", linestyle="--", linewidth=1)
        if reference_levels and game in reference_levels:
            ax.axhline(reference_levels[game], color="tab:green", linestyle=":", linewidth=1.5)
        ax.set_xscale("log")
        ax.set_xlim(left=min(1e4, float(run[steps].min())))
        ax.xaxis.set_minor_formatter(mpl.ticker.NullFormatter())
        ax.set_ylim(0.9, 4.1)
        ax.set_title(game.replace("_", " "))
        ax.set_xlabel("")
        ax.set_ylabel("")
    for ax in axes.flat[len(games) :]:
        ax.set_visible(False)
    fig.supxlabel(STEP_LABELS.get(steps, steps) + ", log scale", fontsize=10)
    fig.supylabel("leader value per step (1..4)", fontsize=10)
    handles = [
        mpl.lines.Line2D([], [], color=hue_colours[m], linewidth=2) for m in data["method"].unique()
    ]
    labels = list(data["method"].unique())
    handles.append(mpl.lines.Line2D([], [], color="black", linestyle="--"))
    labels.append("exact Stackelberg value")
    if reference_levels:
        handles.append(mpl.lines.Line2D([], [], color="tab:green", linestyle=":"))
        labels.append("reference level")
    fig.legend(
        handles,
        labels,
        loc="upper center",
        ncol=2,
        frameon=False,
        bbox_to_anchor=(0.5, 1.0),
    )
    legend_rows = int(np.ceil(len(labels) / 2))
    fig.tight_layout(rect=(0.01, 0.0, 1, 1 - 0.22 * legend_rows / (2.4 * nrows)))
    return fig


def _carried_forward(results: pd.DataFrame, steps: str) -> pd.DataFrame:
    """Each run's leader value at every step where a run of its method and game has a row, the
    last value carried forward: compact tables (``summaries.changes_only``) keep only the rows
    where a value changes, so seeds would otherwise be averaged at different steps."""
    frames = []
    for (method, game), rows in results.groupby(["method", "game"], sort=False):
        wide = rows.pivot_table(index=steps, columns="seed", values="leader_value").ffill()
        long = wide.stack().rename("leader_value").reset_index()
        frames.append(long.assign(method=method, game=game, optimum=rows["optimum"].iloc[0]))
    return pd.concat(frames, ignore_index=True)


@styled
def paired_steps(pairs: pd.DataFrame, method: str, baseline: str) -> Figure:
    """One dot per (game, seed) run by both methods: env steps to the exact optimum of
    ``baseline`` (x) against ``method`` (y), log scales, failed runs on the outer edge; below the
    diagonal ``method`` needed fewer steps. ``pairs`` as from ``summaries.paired``."""
    finite = pairs[[method, baseline]].replace(np.inf, np.nan)
    edge = float(np.nanmax(finite.to_numpy())) * 3
    data = pairs.assign(
        **{column: pairs[column].replace(np.inf, edge) for column in (method, baseline)}
    )
    fig, ax = plt.subplots(figsize=(BOOK_WIDTH, 4.6))
    sns.scatterplot(data=data, x=baseline, y=method, hue="game", style="game", ax=ax, s=45)
    low = float(data[[method, baseline]].min().min()) / 2
    ax.plot([low, edge], [low, edge], color="black", linewidth=1, linestyle="--")
    ax.axhline(edge, color="grey", linewidth=0.8, linestyle=":")
    ax.axvline(edge, color="grey", linewidth=0.8, linestyle=":")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"{METHOD_LABELS.get(baseline, baseline)}: env steps to the optimum")
    ax.set_ylabel(f"{METHOD_LABELS.get(method, method)}:\nenv steps to the optimum")
    ax.legend(title="", bbox_to_anchor=(1.01, 1), loc="upper left", frameon=False)
    fig.tight_layout()
    return fig


@styled
def budget_curve(curve: pd.DataFrame) -> Figure:
    """End-to-end runs against the follower's pre-training budget, one colour per method
    (equilibrium scoring): left the share of runs at the exact value with a verified follower
    (solid: all games, dashed: the worst game), right the median (solid) and worst (dashed) env
    steps to it (pre-training, leader and verification). ``curve``: one row per (method,
    pretraining_steps, scoring) as benchmarks/bench_budget.py writes it."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(BOOK_WIDTH, 3.6), sharex=True)
    colours = method_palette()
    for method, rows in curve[curve["scoring"] == "equilibrium"].groupby("method", sort=False):
        x, colour = rows["pretraining_steps"], colours[method]
        left.plot(x, rows["success_rate"], "-", marker="o", color=colour, label=method)
        left.plot(x, rows["worst_game_success"], "--", marker="v", color=colour)
        right.plot(x, rows["median_steps"], "-", marker="o", color=colour, label=method)
        right.plot(x, rows["max_steps"], "--", marker="^", color=colour)
    left.set_ylabel("share of runs at the exact\nvalue, follower verified")
    left.set_ylim(0, 1.02)
    right.set_ylabel("env steps to it\n(paper's count)")
    right.set_ylim(0, None)
    for ax in (left, right):
        ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: f"{v / 1000:.0f}k"))
    left.legend(frameon=False, fontsize=9, loc="lower right")
    fig.supxlabel("follower pre-training budget (env steps, paper's count)", fontsize=10)
    fig.tight_layout()
    return fig


@styled
def continual_ablation(table: pd.DataFrame, games: Sequence[str]) -> Figure:
    """Per game (rows, in ``games`` order), the share of runs at the exact value with a verified
    follower for each variant: frozen or continual follower, ``leader_updates`` leader updates.
    ``table``: one row per (leader_updates, continual, game) as benchmarks/bench_continual.py
    writes it."""
    fig, ax = plt.subplots(figsize=(BOOK_WIDTH, 5.2))
    variants = table.groupby(["leader_updates", "continual"], sort=True)
    offsets = np.linspace(-0.27, 0.27, variants.ngroups)
    markers = ["o", "s", "^", "D", "v", "P"]
    y = {game: i for i, game in enumerate(games)}
    for i, ((updates, continual), rows) in enumerate(variants):
        follower = f"kept training ({continual}/update)" if continual else "frozen"
        ax.scatter(
            rows["success_rate"],
            rows["game"].map(y) + offsets[i],
            marker=markers[i % len(markers)],
            s=36,
            label=f"{follower}, {updates} leader updates",
        )
    ax.set_yticks(range(len(games)), [game.replace("_", " ") for game in games])
    ax.invert_yaxis()
    ax.set_xlabel("share of runs at the exact value, follower verified")
    ax.set_xlim(min(0.5, float(table["success_rate"].min()) - 0.05), 1.02)
    ax.legend(frameon=False, fontsize=9, loc="upper center", bbox_to_anchor=(0.45, -0.13), ncol=2)
    fig.tight_layout()
    return fig


@styled
def growth(table: pd.DataFrame) -> Figure:
    """How each method's cost grows with the game (``experiments.growth.growth_table``): left the
    median env steps per run (log scale; hollow where the method does not fit and the steps are
    projected), right the share of runs at the exact value with a follower that best-responds.
    One colour per method (the 2x2 method behind each label)."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(BOOK_WIDTH, 3.6), sharex=True)
    colours = method_palette()
    sizes = list(dict.fromkeys(table["size"]))
    for method, label in GROWTH_METHODS.items():
        rows = table[table["method"] == label].set_index("size").reindex(sizes)
        x, colour = np.arange(len(sizes)), colours[method]
        ran = rows["runs"].to_numpy() > 0
        left.plot(x, rows["median_steps"], "-", color=colour, label=label)
        left.scatter(x[ran], rows["median_steps"][ran], color=colour, zorder=3)
        left.scatter(
            x[~ran], rows["median_steps"][~ran], facecolors="white", edgecolors=colour, zorder=3
        )
        right.plot(x, rows["success"], "-", marker="o", color=colour)
    left.set_yscale("log")
    left.set_ylabel("env steps per run, median\n(paper's count; hollow: projected)")
    right.set_ylabel("share of runs at the exact value,\nfollower best-responding")
    right.set_ylim(0, 1.02)
    ticks = [
        f"{size}\n{n:,} leader tables"
        for size, n in table.groupby("size", sort=False)["leader_tables"].first().items()
    ]
    for ax in (left, right):
        ax.set_xticks(range(len(sizes)), ticks)
        ax.set_xlim(-0.3, len(sizes) - 0.7)
    fig.legend(frameon=False, fontsize=9, loc="lower center", ncol=2, bbox_to_anchor=(0.5, -0.1))
    fig.tight_layout()
    return fig


@styled
def bigger_runs(runs: pd.DataFrame, games: Sequence[str]) -> Figure:
    """Per 3x3 game (rows, in ``games`` order), each run's final leader value per step against
    its own follower as a share of the exact time-aware optimum, one marker per run and follower
    variant (``variant`` column); a filled marker where the run is at the optimum with a follower
    that best-responds."""
    fig, ax = plt.subplots(figsize=(BOOK_WIDTH, 3.4))
    variants = list(dict.fromkeys(runs["variant"]))
    offsets = np.linspace(-0.2, 0.2, len(variants))
    colours = palette(variants)
    y = {game: i for i, game in enumerate(games)}
    jitter = np.random.default_rng(0).uniform(-0.05, 0.05, len(runs))
    for i, variant in enumerate(variants):
        rows = runs["variant"] == variant
        share = runs.loc[rows, "leader_value"] / runs.loc[rows, "optimum"]
        at = runs.loc[rows, "at_optimum"].to_numpy(bool)
        height = runs.loc[rows, "game"].map(y).to_numpy() + offsets[i] + jitter[rows.to_numpy()]
        colour = colours[variant]
        ax.scatter(share[at], height[at], color=colour, s=22, label=variant)
        ax.scatter(share[~at], height[~at], facecolors="white", edgecolors=colour, s=22)
    ax.axvline(1.0, color="0.3", linestyle="--", linewidth=1)
    ax.set_yticks(range(len(games)), [game.replace("_", " ") for game in games])
    ax.invert_yaxis()
    ax.set_xlabel("final leader value / exact time-aware optimum (hollow: not at it)")
    ax.legend(frameon=False, fontsize=9, loc="upper center", bbox_to_anchor=(0.45, -0.2), ncol=3)
    fig.tight_layout()
    return fig
