import numpy as np
import pytest

from stackmeta_lite.games.bimatrix import (
    BATTLE_OF_THE_SEXES,
    CANONICAL_GAMES,
    KNOWN_GAMES,
    BimatrixGame,
    from_cells,
    make_game,
)


def test_twelve_canonical_games_are_symmetric_ordinal_games():
    assert len(CANONICAL_GAMES) == 12
    for name in CANONICAL_GAMES:
        game = make_game(name)
        assert game.leader_payoffs.shape == (2, 2)
        # Symmetric: the follower's payoff matrix is the transpose of the leader's.
        np.testing.assert_array_equal(game.follower_payoffs, game.leader_payoffs.T)
        assert sorted(game.leader_payoffs.ravel()) == [1, 2, 3, 4]
        assert game.offset == 2.5


def test_prisoners_dilemma_cells_follow_the_leader_follower_convention():
    game = make_game("prisoners_dilemma")
    # Leader defects, follower cooperates: the leader gets the temptation payoff 4.
    assert game.payoffs(1, 0) == (4.0, 1.0)
    assert game.payoffs(0, 1) == (1.0, 4.0)


def test_battle_of_the_sexes_one_shot_payoffs():
    game = make_game(BATTLE_OF_THE_SEXES)
    assert game.payoffs(0, 0) == (2.0, 1.0)
    assert game.payoffs(1, 1) == (1.0, 2.0)
    assert game.payoffs(0, 1) == (0.0, 0.0)
    assert BATTLE_OF_THE_SEXES in KNOWN_GAMES


def test_user_defined_game_with_names():
    game = BimatrixGame(
        np.zeros((3, 2)), np.ones((3, 2)), name="mine", leader_actions=("a", "b", "c")
    )
    assert game.n_leader_actions == 3 and game.n_follower_actions == 2
    assert game.leader_actions == ("a", "b", "c")
    assert game.follower_actions == ("0", "1")
    assert len(game.cell_table()) == 6


def test_unknown_game_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown game 'prisoner'.*prisoners_dilemma.*chicken"):
        make_game("prisoner")


@pytest.mark.parametrize(
    ("leader", "follower", "message"),
    [
        (np.zeros((2, 2)), np.zeros((2, 3)), r"shape \(2, 2\).*shape \(2, 3\)"),
        (np.zeros(4), np.zeros(4), r"2-D array.*shape \(4,\)"),
        ([[1, np.nan], [0, 0]], np.zeros((2, 2)), r"finite; entry \[0, 1\] is nan"),
        (np.zeros((2, 2)), [[1, 2], [np.inf, 0]], r"follower payoffs must be finite.*inf"),
        ([["a", "b"]], [[1, 2]], "array of numbers"),
    ],
)
def test_malformed_payoffs_raise_clear_errors(leader, follower, message):
    with pytest.raises(ValueError, match=message):
        BimatrixGame(leader, follower)


def test_action_names_must_match_action_count():
    with pytest.raises(ValueError, match="must number 2"):
        BimatrixGame(np.zeros((2, 2)), np.zeros((2, 2)), leader_actions=("x",))


def test_from_cells_rejects_wrong_cell_count():
    with pytest.raises(ValueError, match="4 \\(leader, follower\\) cells"):
        from_cells("bad", ((1, 1), (2, 2)))


def test_payoff_arrays_are_read_only():
    game = make_game("chicken")
    with pytest.raises(ValueError):
        game.leader_payoffs[0, 0] = 10


@pytest.mark.parametrize(
    ("old", "new"), [("mixedharmony", "mixed_harmony"), ("noconflict", "no_conflict")]
)
def test_old_game_spellings_are_aliases_that_warn(old, new):
    assert new in CANONICAL_GAMES and old not in KNOWN_GAMES
    with pytest.warns(
        FutureWarning,
        match=f"game '{old}' is the original code's spelling; it is now called '{new}'",
    ):
        game = make_game(old)
    assert game == make_game(new) and game.name == new
