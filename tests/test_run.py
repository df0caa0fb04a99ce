"""One run end to end: Algorithm 1 and the baseline, scored the one way for every method."""

import numpy as np
import pandas as pd
import pytest

from stackmeta_lite.experiments.run import RunConfig, check_run, run
from stackmeta_lite.experiments.scoring import add_optima, value_vs_exact
from stackmeta_lite.experiments.summaries import SCORINGS, changes_only, steps_to_optimum
from stackmeta_lite.experiments.sweep import run_sweep
from stackmeta_lite.games.bigger import BIGGER_GAMES
from stackmeta_lite.games.bimatrix import from_cells, make_game
from stackmeta_lite.games.iterated import IteratedGame, expected_returns
from stackmeta_lite.games.solver import (
    GAP_TOLERANCE,
    best_response_gap,
    best_responses,
    solve_iterated,
)
from stackmeta_lite.learners.pg import PGConfig
from stackmeta_lite.learners.ppo import PPOConfig
from stackmeta_lite.method.followers import CriticConfig
from stackmeta_lite.method.leader import greedy_follower_response, train_leader, train_table_leader
from stackmeta_lite.method.presets import PAPER_FOLLOWER_PG
from stackmeta_lite.method.pretrain import pretrain_follower
from stackmeta_lite.method.qlearn_opponent import QLearningOpponent

QUICK_BASELINE = RunConfig(leader=PPOConfig(batch_steps=150, iterations=15))
QUICK_META_PPO = RunConfig(
    follower=PGConfig(lr=0.05, batch_steps=15, iterations=3, gamma=0.9, baseline="step"),
    leader=PPOConfig(batch_steps=30, iterations=2, epochs=2),
    verify_iterations=1,
)
PD_CELLS = ((3, 3), (1, 4), (4, 1), (2, 2))
QUICK_META_PG = RunConfig(
    follower=PGConfig(lr=0.05, iterations=60, gamma=0.9, baseline="step"),
    leader=PGConfig(lr=0.156, iterations=200, gamma=1.0, baseline="step", init_std=0.01),
)


@pytest.mark.parametrize(("game", "seed"), [("prisoners_dilemma", 2), ("chicken", 2)])
def test_meta_ppo_reaches_the_exact_value_with_a_verified_follower(game, seed):
    """The paper's method: its PG follower pre-trained, the faithful leader, verification."""
    table = run(game, seed, "meta_ppo")
    last = table.iloc[-1]
    assert last["leader_value"] == pytest.approx(last["optimum"])
    assert last["verified"] and last["best_responding"] and last["at_optimum"]
    assert last["verify_steps_with_queries"] > 0
    assert table["leader_value"].iloc[0] < last["optimum"]  # the leader learned it
    # Steps: pre-training (500 PG batches of 7 episodes) plus 34 leader episodes per update.
    assert table["steps_with_queries"].iloc[0] == (500 * 7 + 34) * 15
    assert (table["steps_plain"] * 3 == table["steps_with_queries"] * 2).all()
    summary = steps_to_optimum(table)
    assert summary["success"].item() and summary["steps_with_queries"].item() <= 70_000


def test_search_ppo_is_the_reply_search_reference():
    table = run("chicken", 1, "search_ppo")
    # Steps: the reply search's 368 episodes plus 34 leader episodes per update.
    assert table["steps_with_queries"].iloc[0] == (368 + 34) * 15
    assert steps_to_optimum(table)["success"].item()


def test_same_seed_same_numbers():
    a = run("chicken", 3, "meta_ppo")
    b = run("chicken", 3, "meta_ppo")
    pd.testing.assert_frame_equal(a, b)


def test_ppo_qlearn_counts_the_inner_loop_steps_and_is_scored_like_meta():
    table = run("harmony", 0, "ppo_qlearn", QUICK_BASELINE)
    # 10 leader episodes per update, each 80 Q-learning episodes plus one greedy episode.
    assert table["steps_plain"].iloc[0] == 10 * 81 * 10
    assert (table["steps_with_queries"] == table["steps_plain"]).all()  # no query phase
    assert len(table) == 15 and set(table["method"]) == {"ppo_qlearn"}
    # Scored like meta-RL: each row's value is its greedy table against the follower the leader
    # trained against at that update (the last Q-learner), exactly; no fresh Q-learner re-scores
    # it. Replay the run and recompute with the exact Markov-chain evaluation.
    iterated = IteratedGame(make_game("harmony"))
    respond = QLearningOpponent(iterated, QUICK_BASELINE.qlearning, np.random.default_rng(0))
    leader = train_leader(iterated, respond, QUICK_BASELINE.leader, 0)
    tables = np.array(leader.tables)
    assert table["leader_table"].tolist() == ["".join(map(str, t)) for t in tables]
    assert len(respond.replies) == len(tables)
    followers = np.eye(2)[np.array(respond.replies)]
    leader_returns, _ = expected_returns(iterated, tables, followers)
    np.testing.assert_allclose(table["leader_value"], leader_returns / iterated.horizon)
    gaps = best_response_gap(iterated, tables, followers) / iterated.horizon
    np.testing.assert_allclose(table["best_response_gap"], gaps)
    assert table["verified"].iloc[-1] == (gaps[-1] <= GAP_TOLERANCE)


def test_value_vs_exact_is_the_leader_table_against_an_exact_best_responder():
    iterated = IteratedGame(make_game("hero"))
    tables = iterated.leader_tables()
    _, strong, _ = best_responses(iterated, tables, "stationary", "strong")
    codes = pd.Series(["".join(map(str, t)) for t in tables])
    np.testing.assert_allclose(value_vs_exact(iterated, codes), strong / iterated.horizon)
    # A follower that is not best-responding: the two values differ, and only vs_exact counts
    # the table as optimal.
    optimum = solve_iterated(iterated)
    rows = pd.DataFrame(
        {
            "leader_table": ["".join(map(str, optimum.leader_table))],
            "leader_value": [2.0],
            "best_response_gap": [0.5],
        }
    )
    scored = add_optima(iterated, rows)
    assert scored["value_vs_exact"].item() == pytest.approx(optimum.per_step)
    assert scored["at_optimum_vs_exact"].item() and not scored["at_optimum"].item()


def test_one_success_rule_under_both_scorings():
    """steps_to_optimum reads only the scoring's at-optimum column, whatever the method: the
    same rows under two method names give the same answers."""
    base = {"game": "hero", "seed": 0, "optimum": 4.0, "value_vs_exact": 4.0, "leader_value": 4.0}
    rows = pd.DataFrame(
        [
            {
                **base,
                "update": u,
                "steps_with_queries": 100 * u,
                "verified": True,
                "at_optimum": at,
                "at_optimum_vs_exact": exact,
            }
            for u, at, exact in ((1, True, True), (2, False, True), (3, True, True))
        ]
    )
    both = pd.concat([rows.assign(method="meta_ppo"), rows.assign(method="ppo_qlearn")])
    equilibrium = steps_to_optimum(both, scoring="equilibrium")
    exact = steps_to_optimum(both, scoring="vs_exact")
    assert equilibrium["steps_with_queries"].tolist() == [300.0, 300.0]
    assert exact["steps_with_queries"].tolist() == [100.0, 100.0]
    assert equilibrium["success"].all() and exact["success"].all()
    unverified = steps_to_optimum(both.assign(verified=False), scoring="vs_exact")
    assert not unverified["success"].any()
    with pytest.raises(ValueError, match="unknown scoring 'noisy'"):
        steps_to_optimum(both, scoring="noisy")


def test_changes_only_keeps_every_answer_of_steps_to_optimum():
    table = pd.concat(
        [run("hero", 1, "meta_pg", QUICK_META_PG), run("chicken", 2, "meta_pg", QUICK_META_PG)]
    )
    compact = changes_only(table)
    assert len(compact) < len(table)
    for scoring in SCORINGS:
        pd.testing.assert_frame_equal(
            steps_to_optimum(compact, scoring=scoring), steps_to_optimum(table, scoring=scoring)
        )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("chess", 0, "meta_ppo"), "unknown game 'chess'"),
        (("chicken", 0, "meta_a2c"), "unknown method 'meta_a2c'"),
        (("chicken", -1, "meta_ppo"), "seed must be an integer >= 0, got -1"),
    ],
)
def test_bad_runs_fail_before_training(args, message):
    with pytest.raises(ValueError, match=message):
        run(*args)
    with pytest.raises(ValueError, match=message):
        run_sweep([args[0]], [args[1]], [args[2]], backend="serial")


def test_meta_methods_run_the_faithful_leader_and_the_table_ablation():
    config = RunConfig(
        follower=PGConfig(lr=0.05, iterations=30, gamma=0.9, baseline="step"),
        leader=PPOConfig(batch_steps=150, iterations=4),
    )
    with pytest.warns(FutureWarning, match="now called 'no_conflict'"):
        faithful = run("noconflict", 2, "meta_ppo", config)
    ablation = run("no_conflict", 2, "meta_ppo_table", config)
    assert set(faithful["game"]) == {"no_conflict"}
    iterated = IteratedGame(make_game("no_conflict"))
    follower = pretrain_follower(iterated, config.follower, 2, record_every=30).follower
    respond = greedy_follower_response(iterated, follower.greedy())
    stepwise = train_leader(iterated, follower.greedy(), config.leader, 2)
    committed = train_table_leader(iterated, respond, config.leader, 2)
    for rows, leader in ((faithful, stepwise), (ablation, committed)):
        assert rows["leader_table"].tolist() == ["".join(map(str, t)) for t in leader.tables]


def test_a_failed_verification_is_repaired_by_training_the_leader_again():
    # deadlock, seed 10: the leader's first table finds a reply the pre-trained follower got
    # wrong; the verification's fine-tuning gains, so the fine-tuned follower replaces it and
    # the leader trains again (40 more updates), after the failed verification's steps.
    rows = run("deadlock", 10, "meta_ppo_ac")
    first, second = rows.iloc[:40], rows.iloc[40:]
    assert rows["repairs"].iloc[-1] == 1 and len(second) == 40
    assert first["best_response_gap"].iloc[-1] > 0  # the first leader exploited a wrong reply
    gap_between = second["steps_with_queries"].iloc[0] - first["steps_with_queries"].iloc[-1]
    one_check = 50 * CriticConfig().episodes_per_batch * 15  # 50 updates, queries counted
    assert gap_between > one_check  # the failed check (it flagged at once) + one leader update
    assert rows["verify_steps_with_queries"].iloc[-1] == 2 * one_check  # passed: both checks ran
    assert rows["update"].tolist() == list(range(1, 81))
    assert rows["verified"].iloc[-1] and rows["best_response_gap"].iloc[-1] == 0
    assert rows["at_optimum"].iloc[-1]


def test_methods_without_repairs_never_train_the_leader_twice():
    rows = run("deadlock", 1004, "meta_ppo", RunConfig(leader=PPOConfig(iterations=5)))
    assert len(rows) == 5 and (rows["repairs"] == 0).all()


@pytest.mark.parametrize("method", ["meta_ppo", "ppo_qlearn"])
def test_a_custom_game_runs_like_the_catalog_game_of_its_payoffs(method):
    """A game of your own is run by the same code: the prisoners' dilemma's payoffs under
    another name give the catalog game's numbers, seed for seed, under that name."""
    config = QUICK_META_PPO if method == "meta_ppo" else RunConfig(leader=PPOConfig(iterations=2))
    mine = run(from_cells("my_dilemma", PD_CELLS), 1, method, config)
    catalog = run("prisoners_dilemma", 1, method, config)
    assert set(mine["game"]) == {"my_dilemma"} and set(catalog["game"]) == {"prisoners_dilemma"}
    pd.testing.assert_frame_equal(mine.drop(columns="game"), catalog.drop(columns="game"))
    spec = check_run(from_cells("prisoners_dilemma", PD_CELLS), 1, method, config)
    assert spec.key == ("prisoners_dilemma", 1, method)  # the catalog game, however made


@pytest.mark.parametrize("method", ["search_ppo", "meta_ppo", "meta_dqn", "ppo_qlearn"])
def test_a_game_too_large_to_score_is_refused_before_training_naming_the_limit(method):
    inspection = BIGGER_GAMES["inspection"]  # 3x3: 59,049 leader tables, as many replies
    limit = r"a run on 'inspection' .*59,049 leader tables.*the limit is MAX_SOLVER_BYTES"
    with pytest.raises(ValueError, match=limit):
        run(inspection, 0, method)  # the paper's follower would pre-train for minutes first
    with pytest.raises(ValueError, match=limit):
        run_sweep([inspection], [0], [method], backend="serial")
    limit = r"pre-training a follower on 'inspection' .*MAX_SOLVER_BYTES"
    with pytest.raises(ValueError, match=limit):
        pretrain_follower(IteratedGame(inspection), PAPER_FOLLOWER_PG)


def test_a_game_must_be_a_name_or_a_bimatrix_game():
    with pytest.raises(ValueError, match=r"a game must be a game's name or a BimatrixGame, got 3"):
        run(3, 0)
