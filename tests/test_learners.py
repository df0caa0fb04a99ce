import numpy as np
import pytest
import torch

from stackmeta_lite.games import make_game
from stackmeta_lite.iterated import IteratedGame
from stackmeta_lite.leader import default_config, greedy_follower_response, train_leader
from stackmeta_lite.learners.dqn import DQNConfig
from stackmeta_lite.learners.pg import PGConfig, discounted_returns
from stackmeta_lite.learners.policy import CategoricalPolicy, sample_actions
from stackmeta_lite.learners.ppo import PPOConfig, clipped_surrogate_loss
from stackmeta_lite.learners.qlearning import QLearningConfig, train_q_followers
from stackmeta_lite.meta import mean_best_response_gap, pretrain_follower, verify
from stackmeta_lite.solver import best_responses, solve_iterated

SMALL_PRETRAIN = PGConfig(lr=0.05, iterations=300, baseline=True)


def test_table_policy_starts_uniform_and_has_one_row_per_observation():
    policy = CategoricalPolicy(160, 2)
    np.testing.assert_allclose(policy.probabilities(), 0.5)
    assert sum(p.numel() for p in policy.parameters()) == 320  # linear, no bias
    mlp = CategoricalPolicy(160, 2, hidden=8)
    assert mlp(torch.arange(4)).shape == (4, 2)


def test_sample_actions_follows_the_probabilities():
    rng = np.random.default_rng(0)
    draws = sample_actions(np.tile([0.2, 0.8], (20000, 1)), rng)
    assert abs(draws.mean() - 0.8) < 0.02


def test_discounted_returns():
    returns = discounted_returns(torch.tensor([[1.0, 0.0, 2.0]]), 0.5)
    torch.testing.assert_close(returns, torch.tensor([[1.5, 1.0, 2.0]]))


def test_clipped_surrogate_stops_the_ratio_from_growing():
    log_probs = torch.tensor([0.5], requires_grad=True)  # ratio e^0.5 > 1 + clip
    loss = clipped_surrogate_loss(log_probs, torch.tensor([0.0]), torch.tensor([1.0]), 0.2)
    loss.backward()
    assert log_probs.grad.item() == 0.0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: PGConfig(lr=-0.1), r"lr must lie in \(0.0, inf\], got -0.1"),
        (lambda: PGConfig(batch_steps=0), "batch_steps must be an integer >= 1, got 0"),
        (lambda: PPOConfig(clip_coef=0), "clip_coef"),
        (lambda: DQNConfig(lr=float("nan")), "lr must be a number"),
        (lambda: QLearningConfig(epsilon=1.5), r"epsilon must lie in \[0.0, 1.0\]"),
        (lambda: default_config("sarsa"), "unknown leader method 'sarsa'; allowed: pg, ppo, dqn"),
    ],
)
def test_bad_hyperparameters_raise_clear_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_pretraining_drives_the_gap_to_zero_on_a_small_game():
    iterated = IteratedGame(make_game("harmony"), horizon=3)
    untrained = CategoricalPolicy(iterated.n_follower_observations, 2)
    untrained.net.weight.data[1] = 1.0  # a follower that always defects
    assert mean_best_response_gap(untrained, iterated) > 0.3
    result = pretrain_follower(iterated, SMALL_PRETRAIN, seed=0, record_every=100)
    assert result.history[-1]["best_response_gap"] == 0.0
    assert result.steps.with_queries == 300 * 13 * 8  # 8 episodes of 3 + 5 steps per batch
    assert result.steps.plain == 300 * 3 * 13


def test_pretraining_is_reproducible():
    iterated = IteratedGame(make_game("chicken"))
    config = PGConfig(iterations=20)
    a = pretrain_follower(iterated, config, seed=5).follower.probabilities()
    b = pretrain_follower(iterated, config, seed=5).follower.probabilities()
    c = pretrain_follower(iterated, config, seed=6).follower.probabilities()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("game", ["harmony", "prisoners_dilemma"])
@pytest.mark.parametrize("method", ["ppo", "pg"])
def test_leader_reaches_the_exact_value_against_the_meta_follower(game, method):
    iterated = IteratedGame(make_game(game))
    follower = pretrain_follower(iterated, SMALL_PRETRAIN, seed=0).follower
    config = PPOConfig(batch_steps=500, iterations=20) if method == "ppo" else None
    config = config or PGConfig(lr=0.156, iterations=150, gamma=1.0)
    run = train_leader(
        iterated, greedy_follower_response(iterated, follower.greedy()), method, config, seed=0
    )
    table = run.tables[-1]
    _, leader_return, _ = best_responses(iterated, table)
    assert leader_return[0] == pytest.approx(solve_iterated(iterated).leader_return)
    check = verify(follower, iterated, table)
    assert check.best_responding and check.exact_gap == 0.0
    assert check.finetune_improvement <= 1e-9


def test_dqn_leader_learns_a_known_bandit():
    # Against an always-C follower in chicken the best table plays D at the start and after
    # (D, C), the only states it visits: 4 per step, 15 per episode on the centred scale.
    iterated = IteratedGame(make_game("chicken"))
    respond = greedy_follower_response(iterated, np.zeros(160, dtype=int))
    config = DQNConfig(
        iterations=600, learning_starts=50, exploration_episodes=300, batch_size=256, lr=0.03
    )
    run = train_leader(iterated, respond, "dqn", config, 0)
    assert run.tables[-1][0] == 1 and run.tables[-1][2] == 1
    assert respond(run.tables[-1][None])[0] == 15.0


def test_leader_method_needs_its_config_type():
    iterated = IteratedGame(make_game("hero"))
    respond = greedy_follower_response(iterated, np.zeros(160, dtype=int))
    with pytest.raises(ValueError, match="method 'ppo' needs a PPOConfig"):
        train_leader(iterated, respond, "ppo", PGConfig())


def test_q_learning_finds_the_best_reply_to_a_fixed_leader():
    iterated = IteratedGame(make_game("prisoners_dilemma"))
    always_cooperate = np.zeros((4, 5), dtype=int)
    q = np.zeros((4, 5, 2))
    train_q_followers(
        iterated, always_cooperate, q, QLearningConfig(episodes=200), np.random.default_rng(0)
    )
    # Defecting against an unconditional cooperator is best in every visited state.
    assert np.all(q[:, 0].argmax(-1) == 1)
