"""Plotting helpers: each reads a tidy table and returns a figure with the right panels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from stackmeta_lite.display import plotting  # noqa: E402
from stackmeta_lite.games.bimatrix import CANONICAL_GAMES, BimatrixGame  # noqa: E402
from stackmeta_lite.games.iterated import IteratedGame  # noqa: E402


def assert_legible(fig) -> None:
    """The figure fits the book's column (shown unscaled) and no visible text is below 9 pt."""
    width = fig.get_size_inches()[0]
    assert width <= plotting.BOOK_WIDTH + 1e-9, f"{width} in wide, the column is narrower"
    small = [
        (text.get_text(), text.get_fontsize())
        for text in fig.findobj(matplotlib.text.Text)
        if text.get_visible()
        and text.get_text().strip()
        and text.get_fontsize() < plotting.MIN_FONT
    ]
    assert not small, f"text below {plotting.MIN_FONT} pt: {small[:5]}"


@pytest.fixture(autouse=True)
def _close_figures():
    """Every figure a test draws must also be legible in the book."""
    plotting.set_style()
    yield
    try:
        for number in plt.get_fignums():
            assert_legible(plt.figure(number))
    finally:
        plt.close("all")


def test_styled_keeps_settings_the_drawing_changed_outside_the_style():
    """Jupyter's inline backend turns interactive mode on when the first figure is made; undoing
    that after a styled figure made the inline backend drop every later figure."""

    @plotting.styled
    def draw():
        matplotlib.interactive(True)  # what the inline backend does on the first figure
        return plt.figure()

    matplotlib.interactive(False)
    try:
        draw()
        assert matplotlib.is_interactive()
        assert matplotlib.rcParams["axes.titlesize"] == plotting.STYLE["axes.titlesize"]
    finally:
        matplotlib.interactive(False)


def test_legibility_check_rejects_a_small_font():
    fig = plt.figure(figsize=(4, 3))
    fig.text(0.5, 0.5, "tiny", fontsize=6)
    with pytest.raises(AssertionError, match="tiny"):
        assert_legible(fig)
    plt.close(fig)


def visible_axes(fig) -> list:
    return [ax for ax in fig.axes if ax.get_visible()]


def test_set_style_is_seaborn_whitegrid():
    assert matplotlib.rcParams["axes.grid"]
    assert matplotlib.rcParams["figure.figsize"] == [6.6, 4.0]


def test_table_label_spells_the_actions_in_state_order():
    iterated = IteratedGame("prisoners_dilemma")
    assert plotting.table_label(iterated, (1, 0, 0, 1, 1)) == "DCCDD"


def test_payoff_grid_has_one_heatmap_per_game_annotated_leader_then_follower():
    fig = plotting.payoff_grid()
    axes = visible_axes(fig)
    assert len(axes) == len(CANONICAL_GAMES) == 12
    pd_axis = next(ax for ax in axes if ax.get_title() == "prisoners dilemma")
    texts = {t.get_text() for t in pd_axis.texts}
    assert texts == {"3, 3", "1, 4", "4, 1", "2, 2"}


def test_payoff_grid_hides_spare_panels():
    fig = plotting.payoff_grid(["chicken", "hero", "battle"], ncols=2)
    assert len(visible_axes(fig)) == 3


def history_table() -> pd.DataFrame:
    rows = []
    for game in ("chicken", "hero"):
        for seed in (0, 1):
            for i, gap in enumerate((0.4, 0.2, 0.05)):
                rows.append(
                    {
                        "game": game,
                        "seed": seed,
                        "steps_with_queries": 1050 * (i + 1),
                        "steps_plain": 700 * (i + 1),
                        "best_response_gap": gap + 0.01 * seed,
                    }
                )
    return pd.DataFrame(rows)


def gap_table() -> pd.DataFrame:
    iterated = IteratedGame("chicken")
    labels = [plotting.table_label(iterated, t) for t in iterated.leader_tables()]
    return pd.DataFrame(
        [
            {"game": g, "seed": 0, "table": label, "gap": 0.1 * (k % 3 == 0)}
            for g in ("chicken", "hero")
            for k, label in enumerate(labels)
        ]
    )


def test_gap_heatmap_is_games_by_tables():
    fig = plotting.gap_heatmap(gap_table())
    ax = fig.axes[0]
    assert len(ax.get_yticklabels()) == 2
    assert len(ax.get_xticklabels()) == 32


def test_state_order_names_the_states_of_the_game():
    assert plotting.state_order(IteratedGame("chicken")) == "start, CC, DC, CD, DD"
    game = BimatrixGame(
        np.zeros((2, 2)), np.zeros((2, 2)), leader_actions=("U", "D"), follower_actions=("L", "R")
    )
    assert plotting.state_order(IteratedGame(game)) == "start, UL, DL, UR, DR"


def test_gap_heatmap_names_the_states_only_when_given_the_game():
    assert plotting.gap_heatmap(gap_table()).axes[0].get_xlabel() == "leader table"
    fig = plotting.gap_heatmap(gap_table(), iterated=IteratedGame("chicken"))
    assert fig.axes[0].get_xlabel() == "leader table (action in states start, CC, DC, CD, DD)"


def test_every_figure_is_drawn_in_the_book_style_whatever_the_global_style():
    matplotlib.rcdefaults()
    fig = plotting.payoff_grid(["chicken"])
    assert fig.get_dpi() == 100 and fig.axes[0].title.get_fontsize() == 11
    assert matplotlib.rcParams["axes.titlesize"] == "large"  # the global style is left alone


def test_battle_of_the_sexes_has_one_panel_per_seed_and_both_variants():
    rows = [
        {"seed": s, "follower": f, "update": u, "leader_reward": 1.0 + (f == "reset")}
        for s in range(4)
        for f in ("reset", "continuous")
        for u in range(1, 6)
    ]
    fig = plotting.bos_leader_rewards(pd.DataFrame(rows))
    axes = visible_axes(fig)
    assert [ax.get_title() for ax in axes] == [f"seed {s}" for s in range(4)]
    assert all(len(ax.get_lines()) == 2 for ax in axes)


def test_k_sweep_plots_one_dot_per_seed_and_variant():
    rows = [
        {"episodes": k, "seed": s, "follower": f, "final_leader_reward": 1.0}
        for k in (1, 5)
        for s in range(3)
        for f in ("reset", "continuous")
    ]
    fig = plotting.k_sweep(pd.DataFrame(rows))
    dots = sum(len(c.get_offsets()) for c in fig.axes[0].collections)
    assert dots == 12


def benchmark_table() -> pd.DataFrame:
    rows = []
    for game, optimum in (("chicken", 4.0), ("prisoners_dilemma", 3.1)):
        for method in ("meta_ppo", "ppo_qlearn"):
            for seed in range(2):
                for u in range(1, 4):
                    rows.append(
                        {
                            "game": game,
                            "seed": seed,
                            "method": method,
                            "update": u,
                            "steps_with_queries": 1000 * u,
                            "steps_plain": 666 * u,
                            "leader_value": 2.0 + 0.5 * u,
                            "optimum": optimum,
                        }
                    )
    return pd.DataFrame(rows)


def test_benchmark_has_one_panel_per_game_with_the_optimum_line():
    fig = plotting.benchmark(benchmark_table())
    axes = visible_axes(fig)
    assert [ax.get_title() for ax in axes] == ["chicken", "prisoners dilemma"]
    pd_lines = [line.get_ydata()[0] for line in axes[1].get_lines() if line.get_linestyle() == "--"]
    assert pd_lines == [3.1]
    assert axes[0].get_xscale() == "log"


def test_benchmark_draws_reference_levels_only_where_given():
    fig = plotting.benchmark(benchmark_table(), reference_levels={"chicken": 3.5})
    chicken, dilemma = visible_axes(fig)
    assert [ln.get_ydata()[0] for ln in chicken.get_lines() if ln.get_linestyle() == ":"] == [3.5]
    assert not [ln for ln in dilemma.get_lines() if ln.get_linestyle() == ":"]


def test_commitment_curves_one_panel_per_game_strong_and_weak():
    rows = [
        {"game": g, "ties": t, "p": p, "leader_payoff": p}
        for g in ("battle_of_the_sexes", "commitment_example")
        for t in ("strong", "weak")
        for p in (0.0, 0.5, 1.0)
    ]
    fig = plotting.commitment_curves(pd.DataFrame(rows))
    axes = visible_axes(fig)
    assert [ax.get_title() for ax in axes] == ["battle of the sexes", "commitment example"]
    assert all(len(ax.get_lines()) == 2 for ax in axes)


def test_stackelberg_values_one_row_per_game():
    rows = [
        {"game": g, "concept": c, "value": v}
        for g in ("chicken", "prisoners_dilemma")
        for c, v in (("a", 2.0), ("b", 3.0))
    ]
    fig = plotting.stackelberg_values(pd.DataFrame(rows))
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["chicken", "prisoners dilemma"]


def test_exactness_curves_one_line_per_learner_and_tick_labels_apart():
    rows = [
        {"learner": learner, "steps_with_queries": steps, "share_exact": 0.5, "all_exact": False}
        for learner in ("search", "gradient")
        for steps in (0, 15, 1_000, 20_000)
    ]
    fig = plotting.exactness_curves(pd.DataFrame(rows))
    left, right = fig.axes[:2]
    assert len(left.get_lines()) == 2 and left.get_xscale() == "symlog"
    ticks = [t for t in left.get_xticks() if left.get_xlim()[0] <= t <= left.get_xlim()[1]]
    assert ticks[:3] == [0, 1_000, 10_000]  # no 10^1, 10^2 crowding the 0 of the linear part


def test_budget_curve_draws_success_and_steps_per_budget_and_method():
    rows = [
        {
            "method": method,
            "pretraining_steps": budget,
            "scoring": scoring,
            "success_rate": 0.9 + budget / 1e6,
            "worst_game_success": 0.8,
            "median_steps": budget + 3000,
            "max_steps": budget + 20000,
        }
        for method in ("meta_ppo_ac_continual", "meta_ppo_ac")
        for budget in (5_000, 10_000, 20_000)
        for scoring in ("equilibrium", "vs_exact")
    ]
    left, right = visible_axes(plotting.budget_curve(pd.DataFrame(rows)))
    assert len(left.get_lines()) == 4 and len(right.get_lines()) == 4  # 2 methods x 2 lines
    np.testing.assert_allclose(right.get_lines()[0].get_ydata(), [8000, 13000, 23000])
    np.testing.assert_allclose(left.get_lines()[0].get_xdata(), [5000, 10000, 20000])
    assert left.get_lines()[0].get_color() != left.get_lines()[2].get_color()
    assert [t.get_text() for t in left.get_legend().get_texts()] == [
        "meta_ppo_ac_continual",
        "meta_ppo_ac",
    ]


def test_continual_ablation_draws_one_marker_per_variant_and_game():
    games = ["hero", "prisoners_dilemma", "battle"]
    rows = [
        {
            "leader_updates": updates,
            "continual": continual,
            "game": game,
            "success_rate": 0.5 + 0.1 * i + 0.2 * continual,
        }
        for updates in (40, 80)
        for continual in (0, 1)
        for i, game in enumerate(games)
    ]
    fig = plotting.continual_ablation(pd.DataFrame(rows), games)
    (ax,) = visible_axes(fig)
    assert len(ax.collections) == 4
    frozen_40 = ax.collections[0].get_offsets()
    np.testing.assert_allclose(frozen_40[:, 0], [0.5, 0.6, 0.7])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["hero", "prisoners dilemma", "battle"]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "frozen, 40 leader updates"
    assert labels[3] == "kept training (1/update), 80 leader updates"


def test_payoff_grid_draws_games_of_any_size_given_by_object():
    from stackmeta_lite.games.bigger import BIGGER_GAMES

    fig = plotting.payoff_grid(list(BIGGER_GAMES.values()), ncols=2)
    axes = visible_axes(fig)
    assert len(axes) == 4
    assert axes[2].get_title() == "inspection"
    assert len(axes[2].texts) == 9 and axes[2].texts[0].get_text() == "4, 2"
    assert_legible(fig)


def _growth_rows() -> pd.DataFrame:
    from stackmeta_lite.experiments.growth import METHODS

    rows = []
    for i, label in enumerate(METHODS.values()):
        rows.append(
            {
                "size": "2x2",
                "leader_tables": 32,
                "method": label,
                "runs": 240,
                "success": 0.9,
                "median_steps": 1e4 * (i + 1),
            }
        )
        refused = label == METHODS["search_ppo"]
        rows.append(
            {
                "size": "3x3",
                "leader_tables": 3**10,
                "method": label,
                "runs": 0 if refused else 80,
                "success": np.nan if refused else 0.5,
                "median_steps": 1e8 if refused else 2e5,
            }
        )
    return pd.DataFrame(rows)


def test_growth_draws_each_method_across_sizes_and_hollows_projected_steps():
    fig = plotting.growth(_growth_rows())
    left, right = visible_axes(fig)
    assert len(left.get_lines()) == 4 and len(right.get_lines()) == 4
    np.testing.assert_allclose(left.get_lines()[0].get_ydata(), [1e4, 1e8])
    assert left.get_yscale() == "log"
    projected = [
        c
        for c in left.collections
        if len(c.get_offsets()) and np.allclose(c.get_facecolors()[:, :3], 1.0)
    ]
    assert len(projected) == 1 and projected[0].get_offsets()[0, 1] == 1e8
    assert [t.get_text().split("\n")[1] for t in left.get_xticklabels()] == [
        "32 leader tables",
        "59,049 leader tables",
    ]
    assert_legible(fig)


def test_bigger_runs_places_each_run_by_its_share_of_the_optimum():
    runs = pd.DataFrame(
        {
            "game": ["inspection", "inspection", "rps_edge"],
            "variant": ["frozen", "kept training", "kept training"],
            "leader_value": [1.8, 3.6, 1.0],
            "optimum": [3.6, 3.6, 1.0],
            "at_optimum": [False, True, True],
        }
    )
    (ax,) = visible_axes(plotting.bigger_runs(runs, ["rps_edge", "inspection"]))
    shares = sorted(float(x) for c in ax.collections for x in c.get_offsets()[:, 0])
    assert shares == [0.5, 1.0, 1.0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["rps edge", "inspection"]
