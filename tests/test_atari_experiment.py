"""The meta-RL trade experiment: per-bullet credit, both orders' tables, the CI budget's right
answer, seeded reproducibility, the command line and input checks."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stackmeta_lite.atari.__main__ import main, seed_list
from stackmeta_lite.atari.equilibrium import best_follower_actions, trade_equilibrium
from stackmeta_lite.atari.experiment import PHASES, TradeBudget, budget_for, run_experiment
from stackmeta_lite.atari.ledger import play_trade_game
from stackmeta_lite.atari.market import ACCEPT, KEEP, REJECT
from stackmeta_lite.atari.orders import ORDERS
from stackmeta_lite.atari.trade_only import TradeOnlyEnv
from stackmeta_lite.atari.verification import (
    confident_follower,
    equilibrium_play,
    verification_power,
)
from stackmeta_lite.common.data import ATARI
from stackmeta_lite.learners.pg import PGConfig

DATA = ATARI


def tiny_budget(leader_optimizer: str = "adam") -> TradeBudget:
    one = PGConfig(lr=0.1, batch_steps=1, iterations=1, baseline="observation")
    return TradeBudget(one, one, one, eval_games=1, leader_optimizer=leader_optimizer)


def committed_values() -> tuple[float, float]:
    values = pd.read_csv(DATA / "bullet_values.csv").set_index("shooter")["value"]
    return values["seller"], values["buyer"]


def test_bullet_credits_sum_to_the_game_rewards() -> None:
    rng = np.random.default_rng(0)
    game = play_trade_game(TradeOnlyEnv(), np.full(6, 1 / 6), np.full((5, 2), 0.5), rng, seed=3)
    credits = np.array([b.credit for b in game.bullets]).sum(axis=0)
    assert len(game.bullets) >= 5
    assert credits == pytest.approx(game.rewards)
    sold = [b for b in game.bullets if b.price is not None]
    assert sold and all(b.answer == ACCEPT and b.choice >= 1 for b in sold)


def test_seller_led_tables() -> None:
    order = ORDERS["seller"]
    follower = np.zeros(30, dtype=int)
    follower[3 * 5 + 2] = ACCEPT  # context "offer 0.5", offered 0.5: accept
    assert order.context(np.array([3])) == 3
    assert order.greedy_price(np.array([3]), follower) == 0.5
    assert np.isnan(order.greedy_price(np.array([4]), follower))  # 0.75 is rejected
    assert order.describe(np.array([0])) == "keep"
    assert order.context_rows(np.array([3])).tolist() == [15, 16, 17, 18, 19]
    assert order.played_rows(np.array([3])).tolist() == [17]
    assert order.played_rows(np.array([KEEP])).tolist() == []
    assert order.reachable_rows().tolist() == [5, 11, 17, 23, 29]
    assert order.describe_played(np.array([3]), follower) == "accept"
    assert order.describe_response(ACCEPT) == "accept" and order.follower == "buyer"


def test_buyer_led_tables() -> None:
    order = ORDERS["buyer"]
    answers = np.array([ACCEPT, ACCEPT, REJECT, REJECT, REJECT])
    follower = np.zeros(32, dtype=int)
    follower[3] = 2  # context 0b00011: offer at 0.25
    assert order.context(answers) == 3
    seller, buyer = order.trade_probs(answers, np.eye(6)[follower])
    assert seller.argmax() == 2 and buyer.argmax(axis=1).tolist() == [1, 1, 0, 0, 0]
    assert order.greedy_price(answers, follower) == 0.25
    assert order.describe(answers) == "accept 0.0/0.25"
    assert order.context_rows(answers).tolist() == order.played_rows(answers).tolist() == [3]
    assert order.describe_response(2) == "offer 0.25" and order.follower == "seller"


def test_best_follower_actions_follow_the_values() -> None:
    seller_led = best_follower_actions("seller", 0.07, 0.88)
    assert seller_led == [{ACCEPT}] * 4 + [{REJECT}]
    buyer_led = best_follower_actions("buyer", 0.07, 0.88)
    assert buyer_led[0b00011] == {2}  # 0 and 0.25 accepted: offer 0.25
    assert buyer_led[0b10100] == {5}  # the highest accepted price
    assert buyer_led[0b00001] == {KEEP, 2, 3, 4, 5}  # only 0 accepted: any unsold bullet
    assert len(buyer_led) == 32


@pytest.mark.slow
@pytest.mark.parametrize("order", ["seller", "buyer"])
def test_ci_budget_reaches_the_exact_equilibrium(order: str) -> None:
    exact = trade_equilibrium(*committed_values(), order)
    result = run_experiment(order, seed=0, budget=budget_for(order, ci=True))
    summary = result.summary
    assert summary["greedy_price"] == exact.price, summary
    assert summary["best_response_gap"] == 0.0 and summary["verify_passed"], summary
    assert result.curves["phase"].unique().tolist() == list(PHASES)
    assert result.curves["training_steps"].is_monotonic_increasing
    assert summary["training_steps"] == summary["pretrain_steps"] + summary["leader_steps"]


def test_seeded_runs_give_the_same_numbers() -> None:
    first, again = (run_experiment("buyer", seed=4, budget=tiny_budget("sgd")) for _ in range(2))
    other = run_experiment("buyer", seed=5, budget=tiny_budget("sgd"))
    columns = [c for c in first.curves.columns if c != "seconds"]
    pd.testing.assert_frame_equal(first.curves[columns], again.curves[columns])
    assert not first.curves[columns].equals(other.curves[columns])


def test_verification_flags_every_follower_but_its_response() -> None:
    outcome = trade_equilibrium(0.07, 0.88, "buyer")
    answers, best = equilibrium_play(outcome)
    assert answers.tolist() == [1, 1, 0, 0, 0] and best == 2  # accept up to 0.25; offer 0.25
    one = PGConfig(lr=0.3, batch_steps=1, iterations=1, baseline="observation")
    table = verification_power(outcome, range(2), "fresh", one)
    assert len(table) == 2 * 6 and table["follower"].value_counts()["correct"] == 2
    for _, run in table.groupby("run"):
        assert run["flagged"].sum() == 5  # all but the action verification chose
        assert not run.loc[run["follower_response"] == run["verify_response"], "flagged"].any()
    with pytest.raises(ValueError, match="has no trade"):
        equilibrium_play(trade_equilibrium(0.3, 0.45, "seller"))
    with pytest.raises(ValueError, match=r"unknown style 'twice'; allowed: fresh, fine-tune"):
        verification_power(outcome, range(1), "twice", one)


def test_a_confident_follower_rarely_changes_under_fine_tuning() -> None:
    order = ORDERS["seller"]
    follower = confident_follower(order, np.array([23]), REJECT)  # reject 0.75: wrong
    assert follower.probabilities()[23, REJECT] > 0.99
    assert follower.probabilities()[17].tolist() == [0.5, 0.5]  # other rows untouched
    one = PGConfig(lr=0.3, batch_steps=1, iterations=1, baseline="observation")
    table = verification_power(trade_equilibrium(0.07, 0.88, "seller"), range(1), "fine-tune", one)
    assert table["follower_response"].tolist() == ["reject", "accept"]
    assert (table["style"] == "fine-tune").all() and (table["verification_steps"] > 0).all()


def test_bad_inputs_raise_clear_errors() -> None:
    with pytest.raises(ValueError, match=r"unknown order 'both'; allowed: seller, buyer"):
        run_experiment("both", seed=0, budget=tiny_budget())
    with pytest.raises(ValueError, match=r"unknown order 'both'"):
        budget_for("both", ci=True)
    with pytest.raises(ValueError, match=r"eval_games must be an integer >= 1, got 0"):
        TradeBudget(*[PGConfig()] * 3, eval_games=0)
    with pytest.raises(ValueError, match=r"unknown leader_optimizer 'rmsprop'; allowed: adam, sgd"):
        TradeBudget(*[PGConfig()] * 3, eval_games=1, leader_optimizer="rmsprop")


def test_seed_lists_parse_and_refuse_bad_ranges() -> None:
    assert seed_list("1000-1002,7") == [1000, 1001, 1002, 7]
    for bad, message in [
        ("3-1", "seed range '3-1' is empty"),
        ("0,0", "seeds must be distinct"),
        ("-1", "seeds must look like 0-4"),
    ]:
        with pytest.raises(Exception, match=message):
            seed_list(bad)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["values", "--games", "0"], r"--games: must be an integer >= 2 games, got 0"),
        (["experiment", "--order", "x", "--out", "."], r"--order: invalid choice: 'x'"),
        (
            ["experiment", "--order", "seller", "--seeds", "2-1", "--out", "."],
            r"seed range '2-1' is empty",
        ),
        (["markets", "--out", "no/such/folder"], r"'no/such/folder' is not an existing folder"),
    ],
)
def test_command_line_refuses_bad_arguments(
    argv: list[str], message: str, capsys: pytest.CaptureFixture
) -> None:
    with pytest.raises(SystemExit):
        main(argv)
    error = capsys.readouterr().err
    assert error.startswith("usage: python -m stackmeta_lite.atari")
    assert re.search(message, error), error


def test_a_failing_seed_keeps_the_seeds_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "bullet_values.csv").write_bytes((DATA / "bullet_values.csv").read_bytes())
    real = run_experiment

    def flaky(order: str, seed: int, budget: object) -> object:
        if seed == 2:
            raise RuntimeError("emulator died")
        return real(order, seed, tiny_budget())

    monkeypatch.setattr("stackmeta_lite.atari.__main__.run_experiment", flaky)
    with pytest.raises(RuntimeError, match="emulator died"):
        main(["experiment", "--order", "seller", "--seeds", "1-2", "--out", str(tmp_path)])
    summary = pd.read_csv(tmp_path / "trade_summary_seller.csv")
    assert summary["seed"].tolist() == [1]
    assert {"at_exact_price", "exact_price", "follower_exact_rows"} <= set(summary.columns)
    assert pd.read_csv(tmp_path / "trade_curves_seller.csv")["seed"].unique().tolist() == [1]
    assert not list(tmp_path.glob(".*.tmp*"))
