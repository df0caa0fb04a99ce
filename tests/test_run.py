"""One run end to end: Algorithm 1 and the baseline, scored as tidy rows."""

import numpy as np
import pandas as pd
import pytest

from stackmeta_lite.experiments.run import RunConfig, run
from stackmeta_lite.experiments.summaries import steps_to_optimum
from stackmeta_lite.experiments.sweep import run_sweep
from stackmeta_lite.games.bimatrix import make_game
from stackmeta_lite.games.iterated import IteratedGame, expected_returns
from stackmeta_lite.learners.pg import PGConfig
from stackmeta_lite.learners.ppo import PPOConfig
from stackmeta_lite.method.leader import greedy_follower_response, train_leader, train_table_leader
from stackmeta_lite.method.pretrain import pretrain_follower
from stackmeta_lite.method.qlearn_opponent import QLearningOpponent

QUICK_BASELINE = RunConfig(leader=PPOConfig(batch_steps=150, iterations=15))


@pytest.mark.parametrize(("game", "seed"), [("prisoners_dilemma", 0), ("chicken", 1)])
def test_meta_ppo_reaches_the_exact_value_with_a_verified_follower(game, seed):
    """The whole method: reply-search pre-training, the faithful leader, verification."""
    table = run(game, seed, "meta_ppo")
    last = table.iloc[-1]
    assert last["leader_value"] == pytest.approx(last["optimum"])
    assert last["verified"] and last["best_responding"] and last["at_optimum"]
    assert last["follower_all_exact"] and last["verify_steps_with_queries"] > 0
    assert table["leader_value"].iloc[0] < last["optimum"]  # the leader learned it
    # Steps: pre-training (368 episodes of reply search) plus 34 leader episodes per update.
    assert table["steps_with_queries"].iloc[0] == (368 + 34) * 15
    assert (table["steps_plain"] * 3 == table["steps_with_queries"] * 2).all()
    summary = steps_to_optimum(table)
    assert summary["success"].item() and summary["steps_with_queries"].item() <= 15_000


def test_same_seed_same_numbers():
    a = run("chicken", 3, "meta_ppo")
    b = run("chicken", 3, "meta_ppo")
    pd.testing.assert_frame_equal(a, b)


def test_ppo_qlearn_counts_the_inner_loop_steps():
    table = run("harmony", 0, "ppo_qlearn", QUICK_BASELINE)
    # 10 leader episodes per update, each 80 Q-learning episodes plus one greedy episode.
    assert table["steps_plain"].iloc[0] == 10 * 81 * 10
    assert (table["steps_with_queries"] == table["steps_plain"]).all()  # no query phase
    assert len(table) == 15 and set(table["method"]) == {"ppo_qlearn"}
    # Each row's value is its greedy table against the table a fresh Q-learner learned for it:
    # replay the run and recompute that value with the exact Markov-chain evaluation.
    iterated = IteratedGame(make_game("harmony"))
    respond = QLearningOpponent(iterated, QUICK_BASELINE.qlearning, np.random.default_rng(0))
    leader = train_leader(iterated, respond, QUICK_BASELINE.leader, 0)
    tables = np.array(leader.tables)
    assert table["leader_table"].tolist() == ["".join(map(str, t)) for t in tables]
    respond(tables)  # the evaluation's fresh Q-learners, as run() trains them
    followers = np.eye(2)[respond.last_follower_tables]
    leader_returns, _ = expected_returns(iterated, tables, followers)
    np.testing.assert_allclose(table["leader_value"], leader_returns / iterated.horizon)
    payoffs = iterated.game.leader_payoffs
    assert table["leader_value"].between(payoffs.min(), payoffs.max()).all()


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
