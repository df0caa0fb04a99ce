import itertools
import tracemalloc
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stackmeta_lite.games.bimatrix import (
    CANONICAL_GAMES,
    BimatrixGame,
    make_game,
)
from stackmeta_lite.games.envs import IteratedGameEnv
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.one_shot import (
    pure_nash_equilibria,
    pure_stackelberg,
)
from stackmeta_lite.games.solver import (
    MAX_SOLVER_BYTES,
    best_response_gap,
    best_responses,
    solve_iterated,
)


def _exact(payoff: float) -> int | Fraction:
    """The float's exact value: an int when it is whole (fast), else a fraction."""
    return int(payoff) if payoff.is_integer() else Fraction(payoff)


def _path_returns(cells, horizon, leader_table, follower_action_at):
    """Independent simulation in exact rational arithmetic: follower_action_at(t, state);
    ``cells[a][b]`` holds the (leader, follower) payoffs as fractions."""
    state, leader_total, follower_total = 0, 0, 0
    n = len(cells)
    for t in range(horizon):
        a, b = leader_table[state], follower_action_at(t, state)
        leader_total += cells[a][b][0]
        follower_total += cells[a][b][1]
        state = 1 + a + n * b
    return leader_total, follower_total


def _brute_force(game, horizon, follower_class, ties):
    """Stackelberg value by plain enumeration in exact fractions: ties are exact equalities,
    no tolerance shared with the solver."""
    n, m = game.leader_payoffs.shape
    n_states = 1 + n * m
    cells = [
        [(_exact(game.leader_payoffs[a, b]), _exact(game.follower_payoffs[a, b])) for b in range(m)]
        for a in range(n)
    ]
    best = -np.inf
    for leader in itertools.product(range(n), repeat=n_states):
        if follower_class == "stationary":
            options = [
                _path_returns(cells, horizon, leader, lambda t, s, f=f: f[s])
                for f in itertools.product(range(m), repeat=n_states)
            ]
        else:  # against a deterministic leader, a time-aware policy is an action sequence
            options = [
                _path_returns(cells, horizon, leader, lambda t, s, seq=seq: seq[t])
                for seq in itertools.product(range(m), repeat=horizon)
            ]
        top = max(f for _, f in options)
        values = [lv for lv, f in options if f == top]
        best = max(best, max(values) if ties == "strong" else min(values))
    return float(best)


def test_hand_checked_values():
    # Prisoner's dilemma, stationary follower: open with D (4 against C), then cooperate;
    # a follower defection is answered by D forever. 4 + 9 * 3 = 31.
    pd = IteratedGame(make_game("prisoners_dilemma"))
    solution = solve_iterated(pd)
    assert solution.leader_return == 31 and solution.per_step == pytest.approx(3.1)
    assert solution.centred == pytest.approx(6.0)  # the original code's success threshold
    assert solution.leader_table[0] == 1 and list(solution.follower_policy[:3]) == [0, 0, 0]
    # A time-aware follower defects on the last step, so the leader gets less.
    assert solve_iterated(pd, "time_aware").per_step == pytest.approx(2.9)
    # Harmony: mutual cooperation is best for both.
    assert solve_iterated(IteratedGame(make_game("harmony"))).per_step == 4.0
    # Deadlock: the follower always defects; the leader's best is D,D at 3 per step.
    assert solve_iterated(IteratedGame(make_game("deadlock"))).per_step == 3.0


@pytest.mark.parametrize("name", CANONICAL_GAMES)
def test_agrees_with_environment_enumeration(name):
    # Enumerate every (leader table, follower table) pair through the PettingZoo environment.
    game = make_game(name)
    env = IteratedGameEnv(game, horizon=10, queries=True, centred=False)
    values = {}
    for leader in itertools.product((0, 1), repeat=5):
        for follower in itertools.product((0, 1), repeat=5):
            observations, _ = env.reset()
            totals = {"leader": 0.0, "follower": 0.0}
            while env.agents:
                actions = {
                    "leader": leader[observations["leader"]],
                    "follower": follower[observations["follower"] // 32]
                    if observations["follower"] < 160
                    else 0,
                }
                observations, rewards, *_ = env.step(actions)
                for agent, reward in rewards.items():
                    totals[agent] += reward
            values[leader, follower] = (totals["leader"], totals["follower"])
    best = max(
        max(lv for (l2, _), (lv, fv) in values.items() if l2 == leader and fv == top)
        for leader in itertools.product((0, 1), repeat=5)
        for top in [max(fv for (l2, _), (_, fv) in values.items() if l2 == leader)]
    )
    assert solve_iterated(IteratedGame(game)).leader_return == pytest.approx(best)


payoffs = st.lists(st.integers(-3, 3), min_size=4, max_size=4)
# Real payoffs with exact ties possible: quarters in [-3, 3] (exact in binary), then scaled by a
# positive factor over 24 orders of magnitude, which makes them inexact.
quarters = st.lists(st.integers(-12, 12).map(lambda k: k / 4), min_size=4, max_size=4)
factors = st.one_of(
    st.sampled_from([1e-12, 1e-6, 0.1, 1 / 3, 1.0, 7.3, 1e6, 1e12]),
    st.floats(1e-12, 1e12, allow_subnormal=False),
)


@settings(max_examples=25, deadline=None)
@given(quarters, quarters, st.integers(1, 4), st.sampled_from(["strong", "weak"]), factors)
def test_agrees_with_exact_brute_force_at_any_scale(leader, follower, horizon, ties, factor):
    # The oracle solves the unscaled game in fractions; the solver sees payoffs times `factor`.
    game = BimatrixGame(np.reshape(leader, (2, 2)), np.reshape(follower, (2, 2)))
    scaled = BimatrixGame(game.leader_payoffs * factor, game.follower_payoffs * factor)
    for follower_class in ("stationary", "time_aware"):
        expected = factor * _brute_force(game, horizon, follower_class, ties)
        solution = solve_iterated(IteratedGame(scaled, horizon), follower_class, ties)
        assert solution.leader_return == pytest.approx(expected, rel=1e-9, abs=1e-12 * factor)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(-10, 10, allow_subnormal=False), min_size=8, max_size=8),
    st.integers(1, 5),
    factors,
)
def test_scale_invariance_on_real_payoffs(cells, horizon, factor):
    # Payoffs times any positive factor: the same follower replies, the value times the factor.
    leader, follower = np.reshape(cells[:4], (2, 2)), np.reshape(cells[4:], (2, 2))
    iterated = IteratedGame(BimatrixGame(leader, follower), horizon)
    scaled = IteratedGame(BimatrixGame(leader * factor, follower * factor), horizon)
    for follower_class in ("stationary", "time_aware"):
        for ties in ("strong", "weak"):
            base = solve_iterated(iterated, follower_class, ties)
            other = solve_iterated(scaled, follower_class, ties)
            spread = horizon * (np.ptp(cells) + 1e-300)
            assert other.leader_return == pytest.approx(
                factor * base.leader_return, rel=1e-9, abs=1e-9 * factor * spread
            )


def test_tiny_and_huge_payoffs():
    # Issue 11: PD x 1e-12 gave 4e-12 / 2e-12 (an absolute 1e-9 tolerance made every reply a
    # tie); x 1e307 gave inf.
    pd = make_game("prisoners_dilemma")
    for factor in (1e-12, 1e-300, 1e300):
        game = BimatrixGame(pd.leader_payoffs * factor, pd.follower_payoffs * factor)
        assert solve_iterated(IteratedGame(game)).per_step == pytest.approx(3.1 * factor)
        time_aware = solve_iterated(IteratedGame(game), "time_aware").per_step
        assert time_aware == pytest.approx(2.9 * factor)
    huge = BimatrixGame(pd.leader_payoffs * 1e307, pd.follower_payoffs * 1e307)
    for follower_class in ("stationary", "time_aware"):
        with pytest.raises(ValueError, match=r"would overflow float64.*must stay below"):
            solve_iterated(IteratedGame(huge), follower_class)


def test_brute_force_on_a_3x2_game():
    rng = np.random.default_rng(3)
    game = BimatrixGame(rng.integers(0, 5, (3, 2)), rng.integers(0, 5, (3, 2)))
    iterated = IteratedGame(game, horizon=3)
    for follower_class in ("stationary", "time_aware"):
        expected = _brute_force(game, 3, follower_class, "strong")
        assert solve_iterated(iterated, follower_class).leader_return == pytest.approx(expected)


@settings(max_examples=30, deadline=None)
@given(payoffs, payoffs, st.integers(1, 6))
def test_properties_that_must_hold(leader, follower, horizon):
    game = BimatrixGame(np.reshape(leader, (2, 2)), np.reshape(follower, (2, 2)))
    iterated = IteratedGame(game, horizon)
    for follower_class in ("stationary", "time_aware"):
        strong = solve_iterated(iterated, follower_class, "strong")
        weak = solve_iterated(iterated, follower_class, "weak")
        assert strong.leader_return >= weak.leader_return - 1e-9
        # Committing to a one-shot Nash action (or the pure Stackelberg action) every step is
        # always available, so the iterated strong value is at least that payoff per step.
        for a, b in pure_nash_equilibria(game):
            assert strong.per_step >= game.leader_payoffs[a, b] - 1e-9
        assert strong.per_step >= pure_stackelberg(game).leader_payoff - 1e-9
        assert (
            game.leader_payoffs.min() - 1e-9 <= strong.per_step <= game.leader_payoffs.max() + 1e-9
        )
    # A time-aware follower can do everything a stationary one can.
    tables = iterated.leader_tables()
    _, _, stationary = best_responses(iterated, tables, "stationary")
    _, _, time_aware = best_responses(iterated, tables, "time_aware")
    assert np.all(time_aware >= stationary - 1e-9)


def test_best_response_gap():
    iterated = IteratedGame(make_game("prisoners_dilemma"))
    tit_for_tat = np.array([0, 0, 0, 1, 1])
    always_defect = np.ones(5, dtype=int)
    always_cooperate = np.zeros(5, dtype=int)
    # Against tit-for-tat, always defecting earns 4 + 9 * 2 = 22; cooperating until the
    # last step 9 * 3 + 4 = 31 would need time; the best stationary reply cooperates: 30.
    gap = best_response_gap(iterated, tit_for_tat, always_defect)
    assert gap[0] == pytest.approx(30 - 22)
    assert best_response_gap(iterated, tit_for_tat, always_cooperate)[0] == pytest.approx(0)
    assert best_response_gap(iterated, tit_for_tat, always_cooperate, "time_aware")[0] == (
        pytest.approx(1.0)
    )
    # Probabilities work too: a 50/50 follower is worse than the best reply.
    assert best_response_gap(iterated, tit_for_tat, np.full((1, 5, 2), 0.5))[0] > 0


@pytest.mark.parametrize("follower_class", ["stationary", "time_aware"])
def test_best_response_gap_checks_its_inputs_once(monkeypatch, follower_class):
    iterated = IteratedGame(make_game("prisoners_dilemma"))
    tables = iterated.leader_tables()
    followers = np.random.default_rng(0).integers(0, 2, tables.shape)
    expected = best_response_gap(iterated, tables, followers, follower_class)
    checked = []
    check_tables = IteratedGame._check_tables

    def counting(self, tables, count, who):
        checked.append(who)
        return check_tables(self, tables, count, who)

    monkeypatch.setattr(IteratedGame, "_check_tables", counting)
    gaps = best_response_gap(iterated, tables, followers, follower_class)
    np.testing.assert_array_equal(gaps, expected)
    assert checked == ["leader", "follower"]  # was 6 (4 leader, 2 follower) for stationary
    checked.clear()
    best_response_gap(iterated, tables, np.eye(2)[followers], follower_class)
    assert checked == ["leader"]  # probabilities: checked once by check_follower_policies
    with pytest.raises(ValueError, match="unknown follower class 'myopic'"):
        best_response_gap(iterated, tables, followers, "myopic")


def test_bad_choices_are_rejected():
    iterated = IteratedGame(make_game("hero"))
    with pytest.raises(ValueError, match="unknown follower class 'myopic'"):
        solve_iterated(iterated, "myopic")
    with pytest.raises(ValueError, match="unknown tie rule 'neutral'.*strong, weak"):
        solve_iterated(iterated, ties="neutral")


@pytest.mark.parametrize(
    "shape, horizon, follower_class",
    [
        ((3, 3), 10, "stationary"),
        ((1, 7), 10, "stationary"),  # one leader table, but 7**8 follower tables
        ((2, 3), 300, "stationary"),  # small tables, long horizon
        ((2, 2), 100_000, "stationary"),
        ((2, 8), 10, "time_aware"),  # 2**17 leader tables
        ((3, 4), 10, "time_aware"),  # 3**13 leader tables: refused before they are listed
    ],
)
def test_too_large_problems_are_refused_before_allocating(shape, horizon, follower_class):
    game = BimatrixGame(np.zeros(shape), np.zeros(shape))
    tracemalloc.start()  # numpy reports its allocations here
    try:
        with pytest.raises(ValueError, match=r"would need about [\d,]+ MiB.*MAX_SOLVER_BYTES"):
            solve_iterated(IteratedGame(game, horizon), follower_class)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2**20  # refused before allocating: under 1 MiB, not gigabytes
    assert MAX_SOLVER_BYTES == 2**30


def test_problems_under_the_limit_are_solved():
    game = BimatrixGame(np.zeros((3, 3)), np.zeros((3, 3)))
    assert solve_iterated(IteratedGame(game, 2), "time_aware").leader_return == 0
    assert solve_iterated(IteratedGame(make_game("hero"), 1000)).horizon == 1000


@st.composite
def _moved_games(draw):
    """Integer games k in [-3, 3], each player's payoffs moved by its own whole constant j and
    scaled by a power of two 2**e over the float64 range: (k + j) * 2**e, with every episode
    return an integer multiple of 2**e below 2**53 of them, so float64 sums are exact."""
    horizon = draw(st.integers(1, 4))
    limit = 2**53 // horizon - 4
    shift = st.one_of(st.integers(-limit, limit), st.sampled_from([limit, -limit, 0]))
    cells = draw(st.lists(st.integers(-3, 3), min_size=8, max_size=8))
    payoffs = []
    for who in range(2):
        k = np.reshape(cells[4 * who : 4 * who + 4], (2, 2))
        payoffs.append((k + draw(shift)) * 2.0 ** draw(st.integers(-1000, 900)))
    return BimatrixGame(*payoffs), horizon


@settings(max_examples=40, deadline=None)
@given(_moved_games(), st.sampled_from(["strong", "weak"]))
def test_exact_under_any_offset_and_scale(moved, ties):
    # The oracle solves the moved game itself in exact fractions: ties are exact equalities.
    game, horizon = moved
    for follower_class in ("stationary", "time_aware"):
        expected = _brute_force(game, horizon, follower_class, ties)
        solution = solve_iterated(IteratedGame(game, horizon), follower_class, ties)
        assert solution.leader_return == expected, (follower_class, game.leader_payoffs)
