import warnings

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from pettingzoo.test import parallel_api_test, parallel_seed_test

from stackmeta_lite.envs import FollowerEnv, IteratedGameEnv, LeaderEnv
from stackmeta_lite.games import BimatrixGame, make_game

PD = make_game("prisoners_dilemma")


@pytest.mark.parametrize("queries", [True, False])
def test_parallel_api(queries):
    parallel_api_test(IteratedGameEnv(PD, queries=queries), num_cycles=200)


def test_parallel_seed():
    parallel_seed_test(lambda: IteratedGameEnv(PD))


def test_parallel_api_on_a_3x2_game():
    game = BimatrixGame(np.arange(6).reshape(3, 2), np.ones((3, 2)))
    parallel_api_test(IteratedGameEnv(game, horizon=3), num_cycles=50)


def test_gymnasium_views_pass_the_checker():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*render modes.*")
        check_env(LeaderEnv(PD, np.zeros(161, dtype=int)), skip_render_check=True)
        check_env(FollowerEnv(PD), skip_render_check=True)
        check_env(FollowerEnv(PD, [0, 0, 0, 1, 1]), skip_render_check=True)


def test_query_phase_then_play_phase():
    env = IteratedGameEnv(PD)
    observations, infos = env.reset(seed=0)
    assert observations == {"leader": 0, "follower": 160}
    tit_for_tat = [0, 0, 0, 1, 1]
    for k, answer in enumerate(tit_for_tat):
        assert observations["leader"] == k and observations["follower"] == 160
        observations, rewards, _, truncations, infos = env.step({"leader": answer, "follower": 1})
        assert rewards == {"leader": 0.0, "follower": 0.0}
    context = sum(a << s for s, a in enumerate(tit_for_tat))
    assert observations == {"leader": 0, "follower": context}
    assert infos["leader"]["answers"] == tuple(tit_for_tat)
    # Play: the follower defects once, so (C, D) follows: state 3, centred rewards.
    observations, rewards, _, _, infos = env.step({"leader": 0, "follower": 1})
    assert rewards == {"leader": 1 - 2.5, "follower": 4 - 2.5}
    assert observations == {"leader": 3, "follower": 3 * 32 + context}
    assert infos["follower"]["steps_with_queries"] == 6 and infos["follower"]["steps_plain"] == 1
    steps = 6
    while env.agents:
        observations, rewards, terminations, truncations, infos = env.step(
            {"leader": 0, "follower": 0}
        )
        steps += 1
    assert steps == 15 and all(truncations.values()) and not any(terminations.values())
    assert infos["leader"]["steps_plain"] == 10


def test_invalid_actions_are_rejected():
    env = IteratedGameEnv(PD)
    env.reset()
    with pytest.raises(ValueError, match=r"leader action must lie in \[0, 2\), got 2"):
        env.step({"leader": 2, "follower": 0})
    with pytest.raises(ValueError, match="follower action"):
        env.step({"leader": 0})
    follower = FollowerEnv(PD)
    follower.reset(seed=0)
    with pytest.raises(ValueError, match=r"follower action must lie in \[0, 2\), got -1"):
        follower.step(-1)


def test_follower_view_draws_seeded_random_leaders():
    env = FollowerEnv(PD)
    tables = [env.reset(seed=s)[1]["leader_table"] for s in range(20)]
    assert len(set(tables)) > 5
    assert tables == [env.reset(seed=s)[1]["leader_table"] for s in range(20)]


def test_leader_view_against_a_defecting_follower():
    env = LeaderEnv(PD, np.ones(161, dtype=int), queries=False, centred=False)
    env.reset(seed=0)
    total = 0.0
    for _ in range(10):
        _, reward, terminated, truncated, info = env.step(1)
        total += reward
    assert total == 20 and truncated and not terminated


def test_bad_render_mode():
    with pytest.raises(ValueError, match="render_mode must be None or 'ansi'"):
        IteratedGameEnv(PD, render_mode="human")
    env = IteratedGameEnv(PD, render_mode="ansi")
    env.reset()
    assert env.render() == "step 0 (query) state start"
