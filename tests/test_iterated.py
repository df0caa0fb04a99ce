import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stackmeta_lite.games.batched import play_tables
from stackmeta_lite.games.bimatrix import BimatrixGame, make_game
from stackmeta_lite.games.iterated import IteratedGame, expected_returns

PD = IteratedGame(make_game("prisoners_dilemma"))


def test_state_encoding_matches_the_original_code():
    assert PD.n_states == 5 and PD.n_contexts == 32 and PD.n_follower_observations == 160
    # 1=(C,C), 2=(D,C), 3=(C,D), 4=(D,D): 1 + a_leader + 2 * a_follower.
    assert [int(PD.next_state(a, b)) for b, a in [(0, 0), (0, 1), (1, 0), (1, 1)]] == [1, 2, 3, 4]
    assert [PD.describe_state(s) for s in range(5)] == [
        "start",
        "(C, C)",
        "(D, C)",
        "(C, D)",
        "(D, D)",
    ]


def test_general_game_has_one_plus_nm_states():
    it = IteratedGame(BimatrixGame(np.zeros((3, 2)), np.zeros((3, 2))), horizon=4)
    assert it.n_states == 7 and it.n_contexts == 3**7
    assert it.steps_per_episode(with_queries=True) == 11
    assert it.steps_per_episode(with_queries=False) == 4


@given(st.lists(st.integers(0, 1), min_size=5, max_size=5))
def test_context_code_round_trips(table):
    code = PD.context(np.array(table))
    np.testing.assert_array_equal(PD.leader_tables(code), table)


def test_step_counts_per_episode():
    assert PD.steps_per_episode(with_queries=True) == 15
    assert PD.steps_per_episode(with_queries=False) == 10


@pytest.mark.parametrize("horizon", [0, -3, 2.5, "10"])
def test_bad_horizon_is_rejected(horizon):
    with pytest.raises(ValueError, match="horizon must be an integer >= 1"):
        IteratedGame(make_game("chicken"), horizon)


def test_out_of_range_actions_are_rejected():
    with pytest.raises(ValueError, match=r"leader actions must lie in \[0, 2\)"):
        PD.context(np.array([0, 1, 2, 0, 0]))
    with pytest.raises(ValueError, match="one action per state"):
        PD.context(np.array([0, 1]))
    with pytest.raises(ValueError, match=r"follower actions must lie in \[0, 2\)"):
        play_tables(PD, np.zeros(5, int), np.array([0, 0, -1, 0, 0]))


@pytest.mark.parametrize(
    "table",
    [
        np.array([0.0, 1.0, 0.0, 1.0, 1.0]),  # integer-valued floats
        np.array([False, True, False, True, True]),
        np.array(["0", "1", "0", "1", "1"]),
        [0, 1, 0, 1, None],
    ],
)
def test_tables_follow_the_strict_action_rule(table):
    # As validation.check_action_array: integer dtypes only, the range named in the message.
    with pytest.raises(ValueError, match=r"leader actions must be integers in \[0, 2\)"):
        PD.check_leader_tables(table)
    with pytest.raises(ValueError, match=r"follower actions must be integers in \[0, 2\)"):
        play_tables(PD, np.zeros(5, int), table)
    for dtype in (np.int8, np.uint16, np.int64):  # every integer dtype passes, as int64
        checked = PD.check_follower_tables(np.array([0, 1, 0, 1, 1], dtype=dtype))
        assert checked.dtype == np.int64 and checked.tolist() == [0, 1, 0, 1, 1]


def test_expected_returns_match_play_for_deterministic_followers():
    rng = np.random.default_rng(1)
    leaders = rng.integers(0, 2, (40, 5))
    followers = rng.integers(0, 2, (40, 5))
    played = play_tables(PD, leaders, followers)
    leader, follower = expected_returns(PD, leaders, np.eye(2)[followers])
    np.testing.assert_allclose(leader, played["leader_rewards"].sum(1))
    np.testing.assert_allclose(follower, played["follower_rewards"].sum(1))


def test_expected_returns_of_a_uniform_follower():
    # Leader always cooperates; a uniformly random follower earns (3 + 4) / 2 per step.
    leader, follower = expected_returns(PD, np.zeros((1, 5), int), np.full((1, 5, 2), 0.5))
    assert follower[0] == pytest.approx(35.0) and leader[0] == pytest.approx(20.0)


def test_checks_can_be_skipped_only_for_checked_inputs():
    # Public calls check their input; callers holding checked arrays skip the second check.
    table = PD.check_leader_tables(np.array([1, 0, 0, 1, 1]))
    assert PD.context(table, check_input=False) == PD.context(table) == 25
    policies = np.full((1, 5, 2), 0.5)
    unchecked = expected_returns(PD, table[None], policies, check_input=False)
    np.testing.assert_array_equal(unchecked, expected_returns(PD, table[None], policies))
    with pytest.raises(ValueError, match=r"shape \(B, S, m\) = \(1, 5, 2\), got \(1, 5, 3\)"):
        expected_returns(PD, table[None], np.full((1, 5, 3), 1 / 3))


@pytest.mark.parametrize(
    ("policy", "bad"),
    [
        ([0.7, 0.7], r"\[0.7, 0.7\]"),  # sums to 1.4
        ([0.2, 0.2], r"\[0.2, 0.2\]"),  # sums to 0.4
        ([1.5, -0.5], r"\[1.5, -0.5\]"),  # sums to 1, but negative
        ([np.nan, 1.0], r"\[nan, 1.0\]"),
        ([np.inf, -np.inf], r"\[inf, -inf\]"),
    ],
)
def test_expected_returns_refuses_policies_that_are_not_distributions(policy, bad):
    policies = np.full((2, 5, 2), 0.5)
    policies[1, 3] = policy
    message = r"probabilities in \[0, 1\] summing to 1 .* episode 1, state 3 has " + bad
    with pytest.raises(ValueError, match=message):
        expected_returns(PD, np.zeros((2, 5), int), policies)


def test_expected_returns_accepts_float32_rounding_and_refuses_non_numbers():
    logits = np.random.default_rng(0).normal(size=(3, 5, 2)).astype(np.float32)
    probabilities = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)  # float32 rounding
    leader, _ = expected_returns(PD, np.zeros((3, 5), int), probabilities)
    assert np.isfinite(leader).all()
    with pytest.raises(ValueError, match="must be probabilities, got dtype bool"):
        expected_returns(PD, np.zeros((1, 5), int), np.eye(2, dtype=bool)[np.zeros((1, 5), int)])
    with pytest.raises(ValueError, match=r"leader tables must have shape \(B, S\), got \(5,\)"):
        expected_returns(PD, np.zeros(5, int), np.full((1, 5, 2), 0.5))
