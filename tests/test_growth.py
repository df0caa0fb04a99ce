"""Beyond 2x2, the comparison of issue 22: the reply search's cost measured one context at a
time (``search_episodes``), runs scored on their final table in the time-aware class
(``score_final_table``), the baseline at any size and the growth table."""

import numpy as np
import pandas as pd
import pytest

from stackmeta_lite.common import data
from stackmeta_lite.experiments.baseline_run import run_baseline_time_aware
from stackmeta_lite.experiments.growth import METHODS, enumeration_cost, growth_table
from stackmeta_lite.experiments.scoring import score_final_table
from stackmeta_lite.games.bigger import BIGGER_GAMES
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.solver import best_responses, solve_iterated
from stackmeta_lite.learners.ppo import PPOConfig
from stackmeta_lite.learners.qlearning import QLearningConfig
from stackmeta_lite.method.followers.search import ReplySearch, SearchConfig, train_search


@pytest.mark.parametrize("game", ["prisoners_dilemma", "hero"])
def test_search_episodes_per_context_add_up_to_the_whole_search(game):
    iterated = IteratedGame(game)
    played = []
    search = ReplySearch(iterated)
    train_search(search, iterated, SearchConfig(), np.random.default_rng(3), played.append)
    assert search.finished().all()
    cost = enumeration_cost(iterated, np.arange(iterated.n_contexts))
    assert cost["mean_episodes"] * iterated.n_contexts == sum(played)
    assert cost["follower_steps"] == sum(played) * 15


def test_a_3x3_context_costs_hundreds_of_episodes_and_the_whole_search_is_refused():
    iterated = IteratedGame(BIGGER_GAMES["inspection"])
    cost = enumeration_cost(iterated, np.array([0, 12_345]))
    assert cost["max_episodes"] > 30 and cost["follower_steps"] > 1e6
    assert cost["returns_table_bytes"] == 3**10 * 3**10 * 8
    with pytest.raises(ValueError, match="reply search"):
        ReplySearch(iterated)


def test_the_final_table_is_scored_against_its_own_follower_and_an_exact_one():
    iterated = IteratedGame(BIGGER_GAMES["three_level_coordination"])
    solution = solve_iterated(iterated, "time_aware")
    table = np.array(solution.leader_table)
    _, leader, follower = best_responses(iterated, table[None], "time_aware")
    best = score_final_table(iterated, table, float(leader[0]), float(follower[0]))
    assert best["at_optimum"] and best["at_optimum_vs_exact"] and best["follower_gap"] == 0
    assert best["leader_value"] == best["optimum"] == solution.per_step
    worse = score_final_table(iterated, table, float(leader[0]), float(follower[0]) - 5)
    assert not worse["at_optimum"] and worse["follower_gap"] == pytest.approx(0.5)


def test_the_baseline_runs_at_any_size_and_counts_its_q_learning():
    iterated = IteratedGame(BIGGER_GAMES["rps_edge"], horizon=4)
    leader = PPOConfig(batch_steps=40, iterations=3)
    row = run_baseline_time_aware(iterated, 5, leader, QLearningConfig(episodes=7))
    episodes = -(-40 // (4 + iterated.n_states))  # per update, as the leader counts them
    assert row["steps_with_queries"] == 3 * episodes * (7 + 1) * 4  # no query phase
    assert len(row["leader_table"]) == iterated.n_states and row["follower_gap"] >= 0
    assert row["value_vs_exact"] <= row["optimum"] + 1e-12
    assert row == run_baseline_time_aware(iterated, 5, leader, QLearningConfig(episodes=7))


def test_growth_table_reads_the_committed_runs():
    results = {
        name: data.read(data.RESULTS, f"{name}.csv")
        for name in ("overall", "network_meta", "baseline_bigger", "enumeration_cost", "timing")
    }
    table = growth_table(
        results["overall"],
        results["network_meta"],
        results["baseline_bigger"],
        results["enumeration_cost"],
        results["timing"],
    ).set_index(["size", "method"])
    assert len(table) == 2 * len(METHODS)
    overall = results["overall"].set_index(["method", "scoring"])
    for method, label in METHODS.items():
        assert (
            table.loc[("2x2", label), "success"]
            == overall.loc[(method, "equilibrium"), "success_rate"]
        )
    refused = table.loc[("3x3", METHODS["search_ppo"])]
    assert refused["runs"] == 0 and pd.isna(refused["success"]) and refused["median_steps"] > 1e8
    kept = results["network_meta"].query("continual > 0")
    assert table.loc[("3x3", METHODS["meta_ppo_ac_continual"]), "runs"] == len(kept)
    assert (
        table.loc[("3x3", METHODS["meta_ppo_ac_continual"]), "success"] == kept["at_optimum"].mean()
    )
