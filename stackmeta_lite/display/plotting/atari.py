"""Figures of the Atari trade: frames, bullet values per market, the learned prices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from stackmeta_lite.display.plotting.style import (
    BOOK_WIDTH,
    MIN_FONT,
    palette,
    styled,
)

ORDER_LABELS: dict[str, str] = {"seller": "seller leads", "buyer": "buyer leads"}
"""Legend names of the two leader orders of the bullet trade."""


CANNON_COLOURS: dict[str, tuple[int, int, int]] = {"seller": (50, 132, 50), "buyer": (162, 134, 56)}
"""Screen colour of each trader's cannon: the seller is player 1 (green, starts on the left), the
buyer player 2 (yellow)."""


@styled
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


@styled
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


@styled
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
