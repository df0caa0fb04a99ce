"""The leader (phase 2 of Algorithm 1): the faithful step-wise leader and the table ablation,
with PG, PPO and DQN, against exact followers, the meta follower and the baseline's Q-learners."""

import numpy as np
import pytest

from stackmeta_lite.games.bimatrix import make_game
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.solver import best_responses, solve_iterated
from stackmeta_lite.learners.dqn import DQNConfig
from stackmeta_lite.learners.pg import PGConfig
from stackmeta_lite.learners.ppo import PPOConfig
from stackmeta_lite.learners.qlearning import QLearningConfig
from stackmeta_lite.method.leader import (
    greedy_follower_response,
    leader_algorithm,
    train_leader,
    train_table_leader,
)
from stackmeta_lite.method.pretrain import pretrain_follower
from stackmeta_lite.method.qlearn_opponent import QLearningOpponent
from stackmeta_lite.method.verify import verify

SMALL_PRETRAIN = PGConfig(lr=0.05, iterations=300, baseline="step")


def test_the_config_type_selects_the_leader_learner():
    configs = (PGConfig(), PPOConfig(), DQNConfig())
    assert [leader_algorithm(config) for config in configs] == ["pg", "ppo", "dqn"]
    with pytest.raises(ValueError, match="got 'sarsa'"):
        leader_algorithm("sarsa")


def test_table_ppo_leader_learns_from_one_episode_batches():
    # batch_steps=15 is one episode with queries: one committed table, one return per update.
    iterated = IteratedGame(make_game("prisoners_dilemma"))
    respond = greedy_follower_response(iterated, exact_follower_table(iterated))
    run = train_table_leader(iterated, respond, PPOConfig(batch_steps=15, iterations=30))
    assert len(set(map(tuple, run.tables))) > 1  # NaN weights froze it at the table 00000
    assert np.mean(run.batch_returns[-10:]) > np.mean(run.batch_returns[:10])


def exact_follower_table(iterated: IteratedGame) -> np.ndarray:
    """A follower greedy table that best-responds to every leader table (strong ties), built
    from the solver: a test fixture only, never a training signal."""
    responses, _, _ = best_responses(iterated, iterated.leader_tables())
    return responses.T.ravel()  # observation = state * n_contexts + context


def greedy_value(iterated: IteratedGame, follower_table: np.ndarray, table: np.ndarray) -> float:
    """Leader value per step (raw) of a committed table against a greedy follower table."""
    return float(greedy_follower_response(iterated, follower_table)(table[None])[0]) / 10 + 2.5


@pytest.mark.parametrize(("game", "seed"), [("chicken", 0), ("deadlock", 3)])
def test_faithful_ppo_leader_reaches_the_exact_value(game, seed):
    iterated = IteratedGame(make_game(game))
    follower = exact_follower_table(iterated)
    config = PPOConfig(batch_steps=500, iterations=30, epochs=10)
    run = train_leader(iterated, follower, config, seed=seed)
    optimum = solve_iterated(iterated).per_step
    values = [greedy_value(iterated, follower, table) for table in run.tables]
    assert values[-1] == pytest.approx(optimum)
    assert min(values) < optimum - 0.5  # it learned: not optimal from the start
    # Every episode is 5 answers and 10 play steps; 34 episodes per update.
    assert run.steps[-1] == (30 * 34 * 15, 30 * 34 * 10)


def test_faithful_pg_leader_learns_step_by_step():
    iterated = IteratedGame(make_game("chicken"))
    follower = exact_follower_table(iterated)
    run = train_leader(
        iterated,
        follower,
        PGConfig(lr=0.1, iterations=300, gamma=1.0, baseline="step", init_std=1.0),
        seed=0,
    )
    values = [greedy_value(iterated, follower, table) for table in run.tables]
    assert values[-1] == pytest.approx(solve_iterated(iterated).per_step)
    assert np.mean(run.batch_returns[-20:]) > np.mean(run.batch_returns[:20])


@pytest.mark.parametrize("method", ["ppo", "pg"])
def test_table_leader_ablation_reaches_the_exact_value_against_the_meta_follower(method):
    iterated = IteratedGame(make_game("harmony"))
    follower = pretrain_follower(iterated, SMALL_PRETRAIN, seed=0).follower
    config = PPOConfig(batch_steps=500, iterations=20, init_std=0.0) if method == "ppo" else None
    config = config or PGConfig(lr=0.156, iterations=150, gamma=1.0, baseline="step")
    respond = greedy_follower_response(iterated, follower.greedy())
    run = train_table_leader(iterated, respond, config, seed=0)
    table = run.tables[-1]
    _, leader_return, _ = best_responses(iterated, table)
    assert leader_return[0] == pytest.approx(solve_iterated(iterated).leader_return)
    check = verify(follower, iterated, table, SMALL_PRETRAIN)
    assert check.best_responding and check.exact_gap == 0.0
    assert check.finetune_improvement <= 1e-9


@pytest.mark.parametrize("faithful", [True, False])
def test_dqn_leader_learns_a_known_bandit(faithful):
    # Against an always-C follower in chicken the best table plays D at the start and after
    # (D, C), the only states it visits: 4 per step, 15 per episode on the centred scale.
    iterated = IteratedGame(make_game("chicken"))
    always_c = np.zeros(160, dtype=int)
    respond = greedy_follower_response(iterated, always_c)
    config = DQNConfig(
        iterations=600, learning_starts=50, exploration_episodes=300, batch_size=256, lr=0.03
    )
    if faithful:
        run = train_leader(iterated, always_c, config, 0)
    else:
        run = train_table_leader(iterated, respond, config, 0)
    assert run.tables[-1][0] == 1 and run.tables[-1][2] == 1
    assert respond(run.tables[-1][None])[0] == 15.0


def test_leader_inputs_are_checked():
    iterated = IteratedGame(make_game("hero"))
    always_c = np.zeros(160, dtype=int)
    respond = greedy_follower_response(iterated, always_c)
    with pytest.raises(ValueError, match="a leader config must be a PGConfig, PPOConfig or DQN"):
        train_table_leader(iterated, respond, QLearningConfig())
    with pytest.raises(ValueError, match="a leader config must be .*got 'ppo'"):
        train_leader(iterated, always_c, "ppo")
    with pytest.raises(ValueError, match=r"shape \(160,\); got int64 of shape \(32,\)"):
        train_leader(iterated, always_c[:32])
    with pytest.raises(ValueError, match=r"follower actions must lie in \[0, 2\), got \[2\]"):
        train_leader(iterated, np.where(np.arange(160) == 3, 2, 0))
    with pytest.raises(ValueError, match=r"follower actions must be integers in \[0, 2\)"):
        train_leader(iterated, always_c.astype(float))  # integer-valued, but floats
    with pytest.raises(ValueError, match=r"follower actions must be integers in \[0, 2\)"):
        greedy_follower_response(iterated, always_c.astype(bool))


def test_stepwise_ppo_qlearn_leader_counts_the_inner_loop():
    iterated = IteratedGame(make_game("chicken"))
    respond = QLearningOpponent(iterated, QLearningConfig(episodes=20), np.random.default_rng(0))
    run = train_leader(iterated, respond, PPOConfig(batch_steps=150, iterations=2), seed=0)
    # 10 leader episodes per update, each 20 Q-learning episodes and the leader's own: no queries.
    assert [plain for _, plain in run.steps] == [10 * 21 * 10, 2 * 10 * 21 * 10]


@pytest.mark.parametrize("method", ["pg", "ppo", "dqn"])
def test_faithful_leader_is_reproducible_per_seed(method):
    iterated = IteratedGame(make_game("stag_hunt"))
    follower = exact_follower_table(iterated)
    config = {
        "pg": PGConfig(iterations=5, init_std=1.0),
        "ppo": PPOConfig(batch_steps=150, iterations=3, epochs=2),
        "dqn": DQNConfig(iterations=30, learning_starts=5),
    }[method]
    a, b, c = (train_leader(iterated, follower, config, seed) for seed in (4, 4, 5))
    assert a.batch_returns == b.batch_returns and a.steps == b.steps
    np.testing.assert_array_equal(a.tables, b.tables)
    assert a.batch_returns != c.batch_returns


def test_a_dqn_leader_too_large_for_memory_is_refused_before_allocating():
    iterated = IteratedGame(make_game("prisoners_dilemma"))
    greedy = np.zeros(iterated.n_follower_observations, int)
    limit = r"the DQN leader's query tree \(31 nodes .* the limit is MAX_TABLE_BYTES = 1 GiB"
    huge = DQNConfig(batch_size=10**8)  # one-hot batches of 10**8 x 31 floats: 11.5 GiB
    with pytest.raises(ValueError, match=limit):
        train_leader(iterated, greedy, huge)
    with pytest.raises(ValueError, match=limit):
        train_table_leader(iterated, greedy_follower_response(iterated, greedy), huge)
