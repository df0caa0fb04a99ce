"""The book's one plotting style and the labels every figure shares.

Leader values are raw per-step payoffs (1..4 for the canonical games) and best-response gaps are
raw follower payoff per step, as in ``stackmeta_lite.experiments.scoring``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import matplotlib as mpl
import seaborn as sns
from matplotlib.figure import Figure

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
