"""Plots for the book, with one seaborn style for every chapter.

Every function reads a tidy table (one row per observation) and returns a matplotlib ``Figure``
drawn in the book's one style (``STYLE``; ``set_style`` makes it global); the chapters display
it. Axis labels that name states or step conventions come from the ``IteratedGame``. Leader
values are raw per-step payoffs (1..4 for the canonical games) and best-response gaps are raw
follower payoff per step, as in ``stackmeta_lite.experiments.run``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from stackmeta_lite.games.bimatrix import CANONICAL_GAMES, BimatrixGame, game_names, make_game
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.method.methods import METHODS

METHOD_LABELS: dict[str, str] = {name: method.label for name, method in METHODS.items()}
"""Legend names of the experiment methods."""

STEP_LABELS: dict[str, str] = {
    "steps_with_queries": "env steps (with the query steps of each episode, the paper's count)",
    "steps_plain": "env steps (play steps only)",
}

FOLLOWER_LABELS: dict[str, str] = {
    "reset": "Q-table reset",
    "continuous": "continuous learning",
}


STYLE: dict[str, object] = {
    **sns.axes_style("whitegrid"),
    **sns.plotting_context("notebook"),
    "axes.prop_cycle": mpl.cycler(color=sns.color_palette("colorblind")),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.figsize": (6.6, 4.0),
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.title_fontsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
}
"""The book's one plotting style: seaborn whitegrid, colorblind palette, compact figures."""

BOOK_WIDTH = 6.6
"""The widest figure, in inches at the style's 100 dpi: a figure in the book's content column has
660 px in a 1280 px window, so it shows at its own size and no text shrinks below ``MIN_FONT``."""

MIN_FONT = 9.0
"""The smallest font size (points) of any text in a figure."""


def set_style() -> None:
    """Make ``STYLE`` the global style, for figures a chapter draws itself."""
    mpl.rcParams.update(STYLE)


def styled(draw: Callable[..., Figure]) -> Callable[..., Figure]:
    """Draw a figure in ``STYLE`` whatever the global style is.

    Only the settings ``STYLE`` names are restored afterwards. (``mpl.rc_context`` restores every
    setting, including interactive mode, which Jupyter's inline backend switches on when the first
    figure is made; turned off again, the inline backend shows no later figure.)"""

    @functools.wraps(draw)
    def wrapper(*args, **kwargs) -> Figure:
        saved = {key: mpl.rcParams[key] for key in STYLE}
        mpl.rcParams.update(STYLE)
        try:
            return draw(*args, **kwargs)
        finally:
            mpl.rcParams.update(saved)

    return wrapper


def palette(keys: Sequence[str]) -> dict[str, tuple]:
    """Fixed colours for ``keys`` in order, from the style's palette."""
    colours = sns.color_palette("colorblind", max(len(keys), 3))
    return {key: colours[i] for i, key in enumerate(keys)}


def method_palette() -> dict[str, tuple]:
    """One colour per experiment method, the same in every chapter."""
    return palette(list(METHOD_LABELS))


def table_label(iterated: IteratedGame, table: Sequence[int]) -> str:
    """A leader table as the first letters of its actions in state order (``state_order``),
    e.g. 'DCCDD' for a 2x2 game."""
    names = iterated.game.leader_actions
    return "".join(names[int(a)][0] for a in table)


def state_order(iterated: IteratedGame) -> str:
    """The states in table order, e.g. 'start, CC, DC, CD, DD' for a 2x2 game."""
    names = [iterated.describe_state(s) for s in range(iterated.n_states)]
    return ", ".join(
        n if s == 0 else "".join(n.strip("()").split(", ")) for s, n in enumerate(names)
    )


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
    ax.set_xticks(range(game.n_follower_actions), game.follower_actions)
    ax.set_yticks(range(game.n_leader_actions), game.leader_actions)
    ax.tick_params(length=0)
    ax.grid(False)
    ax.set_title(game.name.replace("_", " "))


@styled
def payoff_grid(games: Sequence[str] = CANONICAL_GAMES, ncols: int = 4) -> Figure:
    """Small 2x2 heat maps of the leader's payoff, one per game, each cell annotated
    'leader, follower' (raw 1..4); rows are the leader's action, columns the follower's."""
    games = game_names(games)
    nrows = int(np.ceil(len(games) / ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(BOOK_WIDTH / 4 * ncols, 2.0 * nrows), squeeze=False
    )
    loaded = [make_game(name) for name in games]
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
def battle_of_the_sexes(results: pd.DataFrame, ncols: int = 2) -> Figure:
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
    data = results.assign(method=results["method"].map(METHOD_LABELS))
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

ORDER_LABELS: dict[str, str] = {"seller": "seller leads", "buyer": "buyer leads"}
"""Legend names of the two leader orders of the bullet trade."""


CANNON_COLOURS: dict[str, tuple[int, int, int]] = {"seller": (50, 132, 50), "buyer": (162, 134, 56)}
"""Screen colour of each trader's cannon: the seller is player 1 (green, starts on the left), the
buyer player 2 (yellow)."""


def atari_frames(frames: np.ndarray, steps: Sequence[int]) -> Figure:
    """A strip of RGB screens (n, 210, 160, 3), each titled with its agent step, each cannon on
    screen labelled with its trader's role."""
    fig, axes = plt.subplots(
        1, len(steps), figsize=(BOOK_WIDTH / 5 * len(steps), 3.2), squeeze=False
    )
    for ax, frame, step in zip(axes.flat, frames, steps, strict=True):
        ax.imshow(frame)
        ax.set_title(f"agent step {step}")
        ax.axis("off")
        ground = frame[183:196]  # the rows the cannons stand on
        found = {
            role: np.nonzero((ground == c).all(axis=-1))[1] for role, c in CANNON_COLOURS.items()
        }
        if all(len(columns) for columns in found.values()):  # both cannons on screen
            for role, columns in found.items():
                ax.text(
                    columns.mean(),
                    214,
                    role,
                    ha="center",
                    va="top",
                    fontsize=MIN_FONT,
                    color=np.array(CANNON_COLOURS[role]) / 255,
                )
    fig.tight_layout()
    return fig


def atari_market_values(markets: pd.DataFrame, prices: Sequence[float]) -> Figure:
    """Value per bullet (reward units) with its 3-standard-error interval, one panel per player,
    one row per market setting; the grid prices as dotted lines."""
    fig, axes = plt.subplots(1, 2, figsize=(BOOK_WIDTH, 1.0 + 0.55 * markets["market"].nunique()))
    for ax, (shooter, rows) in zip(axes, markets.groupby("shooter", sort=False), strict=True):
        ax.errorbar(
            rows["value"],
            rows["market"],
            xerr=3 * rows["value_se"],
            fmt="o",
            color=palette(list(ORDER_LABELS))[shooter],
            capsize=3,
        )
        for price in prices:
            ax.axvline(price, color="grey", linestyle=":", linewidth=1)
        ax.invert_yaxis()
        ax.set_title(f"{shooter}: value per bullet received")
        ax.set_xlabel("reward per bullet (± 3 standard errors)")
    axes[1].set_yticklabels([])
    fig.tight_layout()
    return fig


def atari_trade_prices(curves: pd.DataFrame, exact: Mapping[str, float]) -> Figure:
    """The paper's Figure 2 from tidy trade curves: per leader update, the mean price of accepted
    trades and each order's leader reward per game (reward units), min-max band over seeds, against
    training agent steps; the exact equilibrium prices dashed."""
    leader = curves[curves["phase"] == "leader"].copy()
    leader["leader_reward"] = np.where(
        leader["order"] == "seller", leader["seller_reward"], leader["buyer_reward"]
    )
    leader["order"] = leader["order"].map(ORDER_LABELS)
    colours = {ORDER_LABELS[k]: v for k, v in palette(list(ORDER_LABELS)).items()}
    fig, axes = plt.subplots(1, 2, figsize=(BOOK_WIDTH, 3.6))
    for ax, column, label in (
        (axes[0], "mean_price", "mean price of accepted trades"),
        (axes[1], "leader_reward", "leader reward per game"),
    ):
        sns.lineplot(
            data=leader,
            x="update",
            y=column,
            hue="order",
            palette=colours,
            errorbar=("pi", 100),
            ax=ax,
            legend=ax is axes[0],
        )
        ax.set(xlabel="leader update (4 games each)", ylabel=label)
    for order, price in exact.items():
        axes[0].axhline(price, color=colours[ORDER_LABELS[order]], linestyle="--", linewidth=1)
    axes[0].legend(title="", loc="center right", frameon=False)
    axes[0].set_ylim(-0.05, 1.05)
    fig.tight_layout()
    return fig
