import math

import numpy as np
import pytest

from stackmeta_lite.common.validation import (
    check_action,
    check_integer,
    check_number,
    check_positive_int,
    check_range,
)
from stackmeta_lite.games.bimatrix import BimatrixGame
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.learners.dqn import DQNConfig
from stackmeta_lite.learners.pg import PGConfig
from stackmeta_lite.learners.ppo import PPOConfig
from stackmeta_lite.learners.qlearning import QLearningConfig


@pytest.mark.parametrize(
    "value, message",
    [
        (math.inf, "lr must be finite, got inf"),
        (-math.inf, "lr must be finite"),
        (math.nan, r"lr must be a number, got nan \(float\)"),
        ("0.1", r"lr must be a number, got '0.1' \(str\)"),
        (None, r"lr must be a number, got None \(NoneType\)"),
        (True, r"lr must be a number, got True \(bool\)"),
        (np.bool_(True), "lr must be a number"),
        (0.0, r"lr must lie in \(0.0, inf\], got 0.0"),
        (-1, r"lr must lie in \(0.0, inf\], got -1"),
        (np.float64(np.inf), "lr must be finite"),
    ],
)
def test_bad_learning_rates_are_refused_by_every_config(value, message):
    for config in (PGConfig, PPOConfig, DQNConfig):
        with pytest.raises(ValueError, match=message):
            config(lr=value)


def test_numpy_numbers_are_numbers():
    assert PGConfig(lr=np.float32(0.1)).lr == np.float32(0.1)
    assert PPOConfig(lr=np.float64(0.1), batch_steps=np.int64(100)).batch_steps == 100
    assert QLearningConfig(lr=np.float32(0.5), episodes=np.int32(3)).episodes == 3
    assert check_number("x", np.float16(2.5)) == 2.5
    check_range("gamma", np.float32(0.99), 0.0, 1.0)


@pytest.mark.parametrize("value", [True, 1.0, 1.5, "3", None, np.float64(2.0), 0, -1])
def test_positive_integers_are_strict(value):
    with pytest.raises(ValueError, match=r"must be an integer >= 1, got"):
        check_positive_int("horizon", value)
    with pytest.raises(ValueError, match=r"batch_steps must be an integer >= 1"):
        PGConfig(batch_steps=value)


def test_horizon_true_is_refused():
    # Issue 11: horizon=True was accepted as 1.
    with pytest.raises(ValueError, match="horizon must be an integer >= 1, got True"):
        from stackmeta_lite.experiments.run import RunConfig

        RunConfig(horizon=True)
    assert check_integer("seed", np.int64(7)) == 7


def test_gamma_above_one_names_the_range():
    with pytest.raises(ValueError, match=r"gamma must lie in \[0.0, 1.0\], got 1.5"):
        PGConfig(gamma=1.5)


@pytest.mark.parametrize("action", [1.0, 1.5, "1", None, math.nan, 1e30, np.float64(1), True, 2])
def test_check_action_names_the_range_and_the_type(action):
    with pytest.raises(
        ValueError, match=r"leader action must be an integer in \[0, 2\), got .+ \("
    ):
        check_action("leader", action, 2)


def test_check_action_accepts_integers_of_any_kind():
    assert [check_action("a", x, 3) for x in (2, np.int8(2), np.uint64(2), np.int64(0))] == [
        2,
        2,
        2,
        0,
    ]


def test_huge_payoffs_do_not_blame_an_offset_nobody_gave():
    # Issue 11: payoffs of 1e308 reported "offset must be finite" (the mean overflowed).
    game = BimatrixGame(np.full((2, 2), 1e308), np.full((2, 2), 1e308))
    assert game.offset == 1e308
    assert BimatrixGame(np.full((2, 2), 1e308), np.full((2, 2), -1e308)).offset == 0.0


@pytest.mark.parametrize(
    "offset, message",
    [
        ("x", r"offset must be a number, got 'x' \(str\)"),
        (math.nan, "offset must be a number, got nan"),
        (math.inf, "offset must be finite, got inf"),
        (True, "offset must be a number, got True"),
    ],
)
def test_bad_offsets_are_named(offset, message):
    with pytest.raises(ValueError, match=message):
        BimatrixGame(np.eye(2), np.eye(2), offset=offset)
    assert BimatrixGame(np.eye(2), np.eye(2), offset=np.float32(0.5)).offset == 0.5


def test_iterated_game_refuses_a_boolean_horizon():
    with pytest.raises(ValueError, match="horizon must be an integer >= 1, got True"):
        IteratedGame(BimatrixGame(np.eye(2), np.eye(2)), True)


@pytest.mark.parametrize(
    "payoffs",
    [
        [["1", "2"], ["3", "4"]],  # used to be converted silently
        np.array([[True, False], [False, True]]),
        [[1, "2"], [3, 4]],
        [[1, 2], [3]],
    ],
)
def test_payoffs_must_be_numbers(payoffs):
    with pytest.raises(ValueError, match="leader payoffs must be a 2-D array of numbers"):
        BimatrixGame(payoffs, np.zeros((2, 2)))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, r"baseline must be a string, one of: none, step, observation; got True \(bool\)"),
        (False, r"baseline must be a string, one of: none, step, observation; got False"),
        (None, r"baseline must be a string, one of: none, step, observation; got None"),
        ("Step", r"unknown baseline 'Step'; allowed: none, step, observation"),
    ],
)
def test_pg_baseline_is_one_of_the_named_strings(value, message):
    with pytest.raises(ValueError, match=message):
        PGConfig(baseline=value)
    assert PGConfig(baseline="observation").baseline == "observation"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, r"learning_starts must be an integer >= 0, got -1$"),
        (2.0, r"learning_starts must be an integer >= 0, got 2.0 \(float\)"),
        (True, r"learning_starts must be an integer >= 0, got True \(bool\)"),
        ("5", r"learning_starts must be an integer >= 0, got '5' \(str\)"),
    ],
)
def test_dqn_learning_starts_shares_the_integer_check(value, message):
    with pytest.raises(ValueError, match=message):
        DQNConfig(learning_starts=value)
    assert DQNConfig(learning_starts=np.int64(0)).learning_starts == 0  # numpy ints pass
