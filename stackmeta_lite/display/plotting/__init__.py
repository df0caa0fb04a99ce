"""Plots for the book, with one seaborn style for every chapter.

Every figure function reads a tidy table (one row per observation) and returns a matplotlib
``Figure`` drawn in the book's one style (``style.STYLE``, applied by ``style.styled``); the
chapters display it. Axis labels that name states or step conventions come from the
``IteratedGame``. One module per subject: ``games``, ``learning`` and ``atari``.
"""

from stackmeta_lite.display.plotting.atari import (
    CANNON_COLOURS,
    ORDER_LABELS,
    atari_frames,
    atari_market_values,
    atari_trade_prices,
)
from stackmeta_lite.display.plotting.games import (
    bos_leader_rewards,
    commitment_curves,
    k_sweep,
    payoff_grid,
    stackelberg_values,
)
from stackmeta_lite.display.plotting.learning import (
    benchmark,
    bigger_runs,
    budget_curve,
    continual_ablation,
    exactness_curves,
    gap_heatmap,
    growth,
    paired_steps,
)
from stackmeta_lite.display.plotting.style import (
    BOOK_WIDTH,
    FOLLOWER_LABELS,
    METHOD_LABELS,
    MIN_FONT,
    STEP_LABELS,
    STYLE,
    method_palette,
    palette,
    set_style,
    state_order,
    styled,
    table_label,
)

__all__ = [
    "METHOD_LABELS",
    "STEP_LABELS",
    "FOLLOWER_LABELS",
    "STYLE",
    "BOOK_WIDTH",
    "MIN_FONT",
    "set_style",
    "styled",
    "palette",
    "method_palette",
    "table_label",
    "state_order",
    "payoff_grid",
    "stackelberg_values",
    "commitment_curves",
    "bos_leader_rewards",
    "k_sweep",
    "exactness_curves",
    "gap_heatmap",
    "benchmark",
    "budget_curve",
    "continual_ablation",
    "growth",
    "bigger_runs",
    "paired_steps",
    "ORDER_LABELS",
    "CANNON_COLOURS",
    "atari_frames",
    "atari_market_values",
    "atari_trade_prices",
]
