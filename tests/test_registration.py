"""The environments by name pass the official checkers, and the named leader env is the real one."""

from __future__ import annotations

import warnings

import gymnasium
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from pettingzoo.test import api_test, parallel_api_test, parallel_seed_test

import stackmeta_lite  # noqa: F401  (importing the package registers the ids)
from stackmeta_lite.games.bimatrix import make_game
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.registration import (
    FOLLOWER_ID,
    LEADER_ID,
    best_response_follower,
    env,
    parallel_env,
)
from stackmeta_lite.games.solver import best_responses, solve_iterated


def _checked(env_id: str, **kwargs) -> gymnasium.Env:
    made = gymnasium.make(env_id, **kwargs)
    with warnings.catch_warnings():
        # The views draw nothing; Gymnasium only notes that no render mode is declared.
        warnings.filterwarnings("ignore", message=".*render.*")
        check_env(made.unwrapped, skip_render_check=True)
    return made


@pytest.mark.parametrize("env_id", [LEADER_ID, FOLLOWER_ID])
def test_ids_follow_gymnasium_naming_and_pass_check_env(env_id: str) -> None:
    spec = gymnasium.spec(env_id)
    assert (spec.namespace, spec.version) == ("stackmeta_lite", 0)
    _checked(env_id)
    _checked(env_id, game="stag_hunt", horizon=4)


def test_named_leader_env_pays_the_exact_stackelberg_value() -> None:
    """Playing the exact optimal table against the default follower earns the solver's value."""
    for name in ("prisoners_dilemma", "chicken"):
        solution = solve_iterated(IteratedGame(make_game(name)))
        leader = _checked(LEADER_ID, game=name)
        observation, _ = leader.reset(seed=0)
        total, truncated, steps = 0.0, False, 0
        while not truncated:
            observation, reward, terminated, truncated, _ = leader.step(
                solution.leader_table[observation]
            )
            assert not terminated
            total, steps = total + reward, steps + 1
        assert steps == 15  # 5 query steps, then 10 play steps
        assert total == pytest.approx(solution.centred)  # centred, per episode


def test_best_response_follower_table_matches_the_solver() -> None:
    iterated = IteratedGame(make_game("stag_hunt"))
    table = best_response_follower(iterated)
    assert table.shape == (iterated.n_follower_observations + 1,)
    tables = iterated.leader_tables()
    policies, _, _ = best_responses(iterated, tables)
    for omega in (0, 7, 31):
        for state in range(iterated.n_states):
            observation = iterated.follower_observation(state, omega)
            assert table[observation] == policies[omega, state]


def test_named_follower_env_draws_random_leaders_or_keeps_a_given_one() -> None:
    follower = _checked(FOLLOWER_ID)
    drawn = {follower.reset(seed=seed)[1]["leader_table"] for seed in range(20)}
    assert len(drawn) > 1
    fixed = _checked(FOLLOWER_ID, leader_table=np.array([0, 0, 0, 1, 1]))
    assert {fixed.reset(seed=seed)[1]["leader_table"] for seed in range(5)} == {(0, 0, 0, 1, 1)}


def test_parallel_env_passes_pettingzoo_checks() -> None:
    parallel_api_test(parallel_env(), num_cycles=100)
    parallel_api_test(parallel_env(game="battle", queries=False), num_cycles=100)
    parallel_seed_test(lambda: parallel_env(game="stag_hunt"))


def test_aec_env_passes_pettingzoo_api_test() -> None:
    api_test(env(), num_cycles=100)
    aec = env(game="hero")
    aec.reset(seed=0)
    assert aec.agents == ["leader", "follower"]


def test_unknown_game_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown game 'nope'.*prisoners_dilemma"):
        gymnasium.make(LEADER_ID, game="nope")
    with pytest.raises(TypeError, match="game must be"):
        parallel_env(game=3)
