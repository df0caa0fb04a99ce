import warnings

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from hypothesis import given, settings
from hypothesis import strategies as st
from pettingzoo.test import parallel_api_test, parallel_seed_test

from stackmeta_lite.games.batched import rollout
from stackmeta_lite.games.bimatrix import BimatrixGame, make_game
from stackmeta_lite.games.envs import FollowerEnv, IteratedGameEnv, LeaderEnv
from stackmeta_lite.games.iterated import IteratedGame

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


# Every value here is a bad action for a 2-action agent: not an integer, or out of [0, 2).
bad_actions = st.one_of(
    st.integers().filter(lambda a: not 0 <= a < 2),
    st.floats(allow_nan=True, allow_infinity=True),  # 1.0 too: floats are refused, not truncated
    st.floats(-1e3, 1e3).map(np.float64),
    st.integers(0, 1).map(np.float32),
    st.booleans(),
    st.integers(0, 1).map(str),
    st.none(),
    st.just(1e30),
    st.just([1]),
)


def _rejects(step, action):
    with pytest.raises(ValueError, match=r"action must be an integer in \[0, 2\), got "):
        step(action)


@settings(max_examples=60, deadline=None)
@given(bad_actions, st.sampled_from(["leader", "follower"]))
def test_parallel_env_rejects_bad_actions(action, agent):
    env = IteratedGameEnv(PD, queries=False)
    env.reset()
    good = {"leader": 0, "follower": 0}
    _rejects(lambda a: env.step({**good, agent: a}), action)
    # The refused step changed nothing: the episode still has all its steps.
    steps = 0
    while env.agents:
        env.step(good)
        steps += 1
    assert steps == 10


@settings(max_examples=60, deadline=None)
@given(bad_actions)
def test_gymnasium_views_reject_bad_actions(action):
    leader = LeaderEnv(PD, np.zeros(161, dtype=int))
    leader.reset(seed=0)
    _rejects(leader.step, action)
    follower = FollowerEnv(PD)
    follower.reset(seed=0)
    _rejects(follower.step, action)
    # A follower policy returning a bad action is refused too, not truncated.
    policy_env = LeaderEnv(PD, lambda observation: action)
    policy_env.reset(seed=0)
    _rejects(policy_env.step, 0)


@settings(max_examples=40, deadline=None)
@given(bad_actions.filter(lambda a: not isinstance(a, list)))
def test_rollout_rejects_bad_follower_actions(action):
    iterated = IteratedGame(PD)
    tables = np.zeros((3, 5), dtype=int)
    with pytest.raises(ValueError, match=r"follower actions must (lie in|be integers in) \[0, 2\)"):
        rollout(iterated, tables, lambda t, states, obs: np.full(3, action))
    with pytest.raises(ValueError, match=r"follower actions must have shape \(3,\), got \(2,\)"):
        rollout(iterated, tables, lambda t, states, obs: np.zeros(2, dtype=int))


@pytest.mark.parametrize("bad", [-1, 2])
def test_rollout_does_not_wrap_around(bad):
    # -1 used to index the last state and pay the D column; 2 gave a bare IndexError.
    iterated = IteratedGame(PD)
    with pytest.raises(ValueError, match=rf"follower actions must lie in \[0, 2\), got \[{bad}\]"):
        rollout(iterated, np.zeros((2, 5), int), lambda t, s, o: np.array([0, bad]))
    with pytest.raises(ValueError, match=r"follower policy actions must have shape \(161,\)"):
        LeaderEnv(PD, np.zeros(160, dtype=int))
    with pytest.raises(ValueError, match=r"follower policy actions must lie in \[0, 2\)"):
        LeaderEnv(PD, np.full(161, bad))


def test_numpy_integers_are_actions_and_play_like_ints():
    results = []
    for cast in (int, np.int64, np.int8, np.uint8):
        env = IteratedGameEnv(PD, queries=False, centred=False)
        env.reset()
        total = 0.0
        while env.agents:
            _, rewards, *_ = env.step({"leader": cast(1), "follower": cast(0)})
            total += rewards["leader"]
        results.append(total)
    assert results == [40.0] * 4  # (D, C) pays the leader 4, ten times


def test_missing_agent_key_is_named():
    env = IteratedGameEnv(PD)
    env.reset()
    with pytest.raises(ValueError, match=r"missing \['follower'\]"):
        env.step({"leader": 0})


def _leader_env():
    return LeaderEnv(PD, np.zeros(5, dtype=int), queries=False)


@pytest.mark.parametrize(
    "make, step",
    [
        (lambda: IteratedGameEnv(PD), lambda env: env.step({"leader": 0, "follower": 0})),
        (_leader_env, lambda env: env.step(0)),
        (lambda: FollowerEnv(PD), lambda env: env.step(0)),
    ],
    ids=["parallel", "leader", "follower"],
)
def test_episode_lifecycle_is_enforced(make, step):
    env = make()
    with pytest.raises(RuntimeError, match=r"before reset\(\) or after the episode ended"):
        step(env)
    env.reset(seed=0)
    steps, ended = 0, False
    while not ended:
        result = step(env)
        ended = all(result[3].values()) if isinstance(result[3], dict) else result[3]
        steps += 1
    assert steps in (10, 15)
    with pytest.raises(RuntimeError, match="after the episode ended"):
        step(env)
    env.reset(seed=0)
    assert step(env) is not None  # a reset starts a new episode


def test_follower_view_draws_seeded_random_leaders():
    env = FollowerEnv(PD)
    tables = [env.reset(seed=s)[1]["leader_table"] for s in range(20)]
    assert len(set(tables)) > 5
    assert tables == [env.reset(seed=s)[1]["leader_table"] for s in range(20)]


def test_leader_view_against_a_defecting_follower():
    env = LeaderEnv(PD, np.ones(5, dtype=int), queries=False, centred=False)
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
