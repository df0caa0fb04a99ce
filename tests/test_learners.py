"""The learners: table policies, REINFORCE, PPO, DQN and tabular Q-learning."""

import numpy as np
import pytest
import torch

from stackmeta_lite.games.bimatrix import make_game
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.learners.dqn import DQNConfig
from stackmeta_lite.learners.pg import PGConfig, decision_log_probs, pg_update, returns_to_go
from stackmeta_lite.learners.policy import CategoricalPolicy, ValueFunction, sample_actions
from stackmeta_lite.learners.ppo import (
    PPOConfig,
    clipped_surrogate_loss,
    ppo_update,
)
from stackmeta_lite.learners.qlearning import QLearningConfig, train_q_followers


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


def test_returns_to_go():
    returns = returns_to_go(torch.tensor([[1.0, 0.0, 2.0]]), 0.5)
    torch.testing.assert_close(returns, torch.tensor([[1.5, 1.0, 2.0]]))


def test_table_policy_can_start_from_seeded_random_logits():
    torch.manual_seed(0)
    a = CategoricalPolicy(5, 2, init_std=1.0).probabilities()
    torch.manual_seed(0)
    b = CategoricalPolicy(5, 2, init_std=1.0).probabilities()
    np.testing.assert_array_equal(a, b)
    assert np.abs(a - 0.5).max() > 0.1


def one_observation_pg_step(weights: list[float], baseline: str = "none") -> float:
    """Probability of action 1 after one REINFORCE step on decisions 0, 1 in observation 0."""
    policy = CategoricalPolicy(1, 2)
    optimizer = torch.optim.SGD(policy.parameters(), lr=1.0)
    observations, actions = torch.zeros(2, dtype=torch.long), torch.tensor([0, 1])
    pg_update(policy, optimizer, observations, actions, torch.tensor(weights), baseline)
    return float(policy.probabilities()[0, 1])


def test_pg_update_follows_the_sign_of_the_returns():
    assert one_observation_pg_step([0.0, 1.0]) > 0.5  # rewarded action 1 gains
    assert one_observation_pg_step([0.0, -1.0]) < 0.5  # punished action 1 loses
    # Equal returns: without a baseline both log-probs are pushed up and cancel at the uniform
    # policy; with the batch-mean baseline both advantages are zero.
    assert one_observation_pg_step([2.0, 2.0]) == pytest.approx(0.5)
    assert one_observation_pg_step([5.0, 6.0], "step") > 0.5


def test_pg_baselines():
    policy = CategoricalPolicy(3, 2)
    observations = torch.tensor([[0, 1], [0, 2]])
    returns = torch.tensor([[1.0, 4.0], [3.0, 0.0]])
    gradients = {}
    for baseline in ("none", "step", "observation"):
        policy.zero_grad()
        optimizer = torch.optim.SGD(policy.parameters(), lr=0.0)
        pg_update(
            policy, optimizer, observations, torch.zeros_like(observations), returns, baseline
        )
        gradients[baseline] = policy.net.weight.grad[0].clone()
    # Action 0 at the uniform policy: d log pi / d logit = 0.5, loss = -mean(adv * log pi).
    torch.testing.assert_close(gradients["none"], -0.5 * torch.tensor([4.0, 4.0, 0.0]) / 4)
    # Step baseline: column means 2 and 2 -> advantages [[-1, 2], [1, -2]].
    torch.testing.assert_close(gradients["step"], -0.5 * torch.tensor([0.0, 2.0, -2.0]) / 4)
    # Observation baseline: obs 0 has mean 2, obs 1 and 2 are alone -> advantages -1, 0, 1, 0.
    torch.testing.assert_close(gradients["observation"], torch.zeros(3))


def test_a_decision_sums_the_trailing_log_probs():
    policy = CategoricalPolicy(5, 2, init_std=1.0)
    observations = torch.arange(5).repeat(3, 1)
    actions = torch.randint(0, 2, (3, 5))
    summed = decision_log_probs(policy, observations, actions, n_dims=1)
    torch.testing.assert_close(summed, policy.log_probs(observations, actions).sum(-1))
    assert decision_log_probs(policy, observations, actions, n_dims=2).shape == (3, 5)


def test_clipped_surrogate_stops_the_ratio_from_growing():
    log_probs = torch.tensor([0.5], requires_grad=True)  # ratio e^0.5 > 1 + clip
    loss = clipped_surrogate_loss(log_probs, torch.tensor([0.0]), torch.tensor([1.0]), 0.2)
    loss.backward()
    assert log_probs.grad.item() == 0.0
    # Inside the clip range the gradient is the advantage times the ratio.
    log_probs = torch.tensor([0.1], requires_grad=True)
    clipped_surrogate_loss(log_probs, torch.tensor([0.0]), torch.tensor([1.0]), 0.2).backward()
    assert log_probs.grad.item() == pytest.approx(-np.exp(0.1))


def ppo_on_two_actions(clip_coef: float) -> tuple[float, np.ndarray]:
    """Probability of the better action and the critic's values after one 200-epoch update."""
    policy, critic = CategoricalPolicy(1, 2), ValueFunction(2)
    config = PPOConfig(epochs=200, clip_coef=clip_coef)
    # Plain SGD, so that a clipped (zero) gradient really stops the policy (Adam's momentum
    # would carry it on).
    optimizer = torch.optim.SGD([*policy.parameters(), *critic.parameters()], lr=0.1)
    observations, actions = torch.zeros(8, dtype=torch.long), torch.tensor([0, 1] * 4)
    returns = torch.tensor([0.0, 1.0] * 4)
    value_observations = torch.tensor([0, 1] * 4)  # the critic knows which action was taken
    ppo_update(
        policy, optimizer, observations, actions, returns, config, critic, value_observations
    )
    return policy.probabilities()[0, 1], critic(torch.tensor([0, 1])).detach().numpy()


def test_ppo_update_stops_at_the_clip_and_fits_the_critic():
    p_clipped, values = ppo_on_two_actions(clip_coef=0.2)
    # Both ratios stop near the clip range: pi(1) <= 0.5 * 1.2 and pi(0) >= 0.5 * 0.8.
    assert 0.6 <= p_clipped <= 0.62
    assert ppo_on_two_actions(clip_coef=100.0)[0] > 0.9
    np.testing.assert_allclose(values, [0.0, 1.0], atol=0.01)


def test_ppo_update_on_one_decision_keeps_the_raw_advantage():
    # One return has no spread to normalise by (its std is NaN): the update must use it raw.
    for advantage, direction in ((1.0, 1), (-1.0, -1)):
        policy = CategoricalPolicy(1, 2)
        optimizer = torch.optim.SGD(policy.parameters(), lr=0.1)
        one = torch.zeros(1, dtype=torch.long)
        ppo_update(policy, optimizer, one, one + 1, torch.tensor([advantage]), PPOConfig(epochs=3))
        assert torch.isfinite(policy.net.weight).all()
        assert np.sign(policy.probabilities()[0, 1] - 0.5) == direction


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: PGConfig(lr=-0.1), r"lr must lie in \(0.0, inf\], got -0.1"),
        (lambda: PGConfig(batch_steps=0), "batch_steps must be an integer >= 1, got 0"),
        (lambda: PPOConfig(clip_coef=0), "clip_coef"),
        (lambda: DQNConfig(lr=float("nan")), "lr must be a number"),
        (lambda: QLearningConfig(epsilon=1.5), r"epsilon must lie in \[0.0, 1.0\]"),
    ],
)
def test_bad_hyperparameters_raise_clear_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_q_learning_finds_the_best_reply_to_a_fixed_leader():
    iterated = IteratedGame(make_game("prisoners_dilemma"))
    always_cooperate = np.zeros((4, 5), dtype=int)
    q = np.zeros((4, 5, 2))
    train_q_followers(
        iterated, always_cooperate, q, QLearningConfig(episodes=200), np.random.default_rng(0)
    )
    # Defecting against an unconditional cooperator is best in every visited state.
    assert np.all(q[:, 0].argmax(-1) == 1)
