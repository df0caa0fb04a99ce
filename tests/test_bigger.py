"""Games beyond 2x2: the 3x3 suite, seeded random games, and their exact iterated values checked
against an independent brute force."""

import itertools

import numpy as np
import pytest

from stackmeta_lite.games.bigger import BIGGER_GAMES, random_game
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.solver import check_solvable, solve_iterated


def brute_force_time_aware(game, horizon: int, ties: str) -> int:
    """Best leader episode return over every memory-1 leader table against a follower that plays
    the best of all its action sequences (a time-aware best response: the leader is
    deterministic), ties for (strong) or against (weak) the leader. Integer payoffs: exact."""
    n, m = game.n_leader_actions, game.n_follower_actions
    leader, follower = game.leader_payoffs.astype(int), game.follower_payoffs.astype(int)
    sequences = list(itertools.product(range(m), repeat=horizon))
    best = None
    for table in itertools.product(range(n), repeat=1 + n * m):
        outcomes = []
        for actions in sequences:
            state, own, other = 0, 0, 0
            for b in actions:
                a = table[state]
                own, other = own + follower[a, b], other + leader[a, b]
                state = 1 + a + n * b
            outcomes.append((own, other))
        top = max(own for own, _ in outcomes)
        values = [other for own, other in outcomes if own == top]
        value = max(values) if ties == "strong" else min(values)
        best = value if best is None else max(best, value)
    return best


def test_the_suite_is_four_named_3x3_games():
    assert list(BIGGER_GAMES) == [
        "rps_edge",
        "three_level_coordination",
        "inspection",
        "three_price_market",
    ]
    for name, game in BIGGER_GAMES.items():
        assert game.name == name and game.leader_payoffs.shape == (3, 3)
        assert len(set(game.leader_actions)) == 3 and len(set(game.follower_actions)) == 3


def test_random_games_are_seeded():
    assert random_game(3) == random_game(3) and random_game(3) != random_game(4)
    assert random_game(1, 2, 4).leader_payoffs.shape == (2, 4)
    assert random_game(1).name == "random_3x3_1"
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        random_game(-1)


@pytest.mark.parametrize("ties", ["strong", "weak"])
@pytest.mark.parametrize("name", ["inspection", "three_price_market"])
def test_exact_time_aware_values_match_brute_force(name, ties):
    game = BIGGER_GAMES[name]
    solution = solve_iterated(IteratedGame(game, 2), "time_aware", ties)
    assert solution.leader_return == brute_force_time_aware(game, 2, ties)


def test_a_3x3_game_at_the_papers_horizon_is_solved_exactly_and_its_ties_matter():
    iterated = IteratedGame(BIGGER_GAMES["inspection"], 10)
    strong = solve_iterated(iterated, "time_aware", "strong")
    weak = solve_iterated(iterated, "time_aware", "weak")
    assert strong.per_step == pytest.approx(3.6) and weak.per_step == pytest.approx(2.6)
    assert np.asarray(strong.leader_table).shape == (10,)


def test_the_stationary_class_is_refused_plainly_at_3x3():
    iterated = IteratedGame(BIGGER_GAMES["inspection"], 10)
    with pytest.raises(ValueError, match="limit is MAX_SOLVER_BYTES"):
        check_solvable(iterated, iterated.n_contexts, "stationary")
