import numpy as np
import pytest
import torch

from stackmeta_lite.games.bimatrix import make_game
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.solver import best_responses, solve_iterated
from stackmeta_lite.learners.dqn import DQNConfig
from stackmeta_lite.learners.pg import PGConfig, decision_log_probs, pg_update, returns_to_go
from stackmeta_lite.learners.policy import CategoricalPolicy, ValueFunction, sample_actions
from stackmeta_lite.learners.ppo import (
    PPOConfig,
    clipped_surrogate_loss,
    ppo_update,
)
from stackmeta_lite.learners.qlearning import QLearningConfig, train_q_followers
from stackmeta_lite.method.leader import (
    default_config,
    greedy_follower_response,
    train_leader,
    train_table_leader,
)
from stackmeta_lite.method.pretrain import mean_best_response_gap, pretrain_follower, verify
from stackmeta_lite.method.qlearn_opponent import QLearningResponse

SMALL_PRETRAIN = PGConfig(lr=0.05, iterations=300, baseline="step")


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


def test_table_ppo_leader_learns_from_one_episode_batches():
    # batch_steps=15 is one episode with queries: one committed table, one return per update.
    iterated = IteratedGame(make_game("prisoners_dilemma"))
    respond = greedy_follower_response(iterated, exact_follower_table(iterated))
    run = train_table_leader(iterated, respond, "ppo", PPOConfig(batch_steps=15, iterations=30))
    assert len(set(map(tuple, run.tables))) > 1  # NaN weights froze it at the table 00000
    assert np.mean(run.batch_returns[-10:]) > np.mean(run.batch_returns[:10])


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
    run = train_leader(iterated, follower, "ppo", config, seed=seed)
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
        "pg",
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
    run = train_table_leader(iterated, respond, method, config, seed=0)
    table = run.tables[-1]
    _, leader_return, _ = best_responses(iterated, table)
    assert leader_return[0] == pytest.approx(solve_iterated(iterated).leader_return)
    check = verify(follower, iterated, table)
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
        run = train_leader(iterated, always_c, "dqn", config, 0)
    else:
        run = train_table_leader(iterated, respond, "dqn", config, 0)
    assert run.tables[-1][0] == 1 and run.tables[-1][2] == 1
    assert respond(run.tables[-1][None])[0] == 15.0


def test_leader_inputs_are_checked():
    iterated = IteratedGame(make_game("hero"))
    always_c = np.zeros(160, dtype=int)
    respond = greedy_follower_response(iterated, always_c)
    with pytest.raises(ValueError, match="method 'ppo' needs a PPOConfig"):
        train_table_leader(iterated, respond, "ppo", PGConfig())
    with pytest.raises(ValueError, match="method 'dqn' needs a DQNConfig"):
        train_leader(iterated, always_c, "dqn", PPOConfig())
    with pytest.raises(ValueError, match=r"shape \(160,\); got int64 of shape \(32,\)"):
        train_leader(iterated, always_c[:32], "ppo")
    with pytest.raises(ValueError, match=r"follower actions must lie in \[0, 2\), got \[2\]"):
        train_leader(iterated, np.where(np.arange(160) == 3, 2, 0), "ppo")
    with pytest.raises(ValueError, match=r"follower actions must be integers in \[0, 2\)"):
        train_leader(iterated, always_c.astype(float), "ppo")  # integer-valued, but floats
    with pytest.raises(ValueError, match=r"follower actions must be integers in \[0, 2\)"):
        greedy_follower_response(iterated, always_c.astype(bool))


def test_q_learning_finds_the_best_reply_to_a_fixed_leader():
    iterated = IteratedGame(make_game("prisoners_dilemma"))
    always_cooperate = np.zeros((4, 5), dtype=int)
    q = np.zeros((4, 5, 2))
    train_q_followers(
        iterated, always_cooperate, q, QLearningConfig(episodes=200), np.random.default_rng(0)
    )
    # Defecting against an unconditional cooperator is best in every visited state.
    assert np.all(q[:, 0].argmax(-1) == 1)


def test_fresh_q_learners_reply_to_a_stochastic_leader():
    iterated = IteratedGame(make_game("prisoners_dilemma"))
    respond = QLearningResponse(iterated, QLearningConfig(episodes=200), np.random.default_rng(0))
    always_c = np.tile([1.0, 0.0], (5, 1))  # the leader cooperates in every state
    tables = respond.reply(np.zeros((4, 5), dtype=int), always_c)
    assert tables.shape == (4, 5) and np.all(tables[:, 0] == 1)  # defect at the start
    assert not respond.queried and respond.episode_cost == 201


def test_stepwise_ppo_qlearn_leader_counts_the_inner_loop():
    iterated = IteratedGame(make_game("chicken"))
    respond = QLearningResponse(iterated, QLearningConfig(episodes=20), np.random.default_rng(0))
    run = train_leader(iterated, respond, "ppo", PPOConfig(batch_steps=150, iterations=2), seed=0)
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
    a, b, c = (train_leader(iterated, follower, method, config, seed) for seed in (4, 4, 5))
    assert a.batch_returns == b.batch_returns and a.steps == b.steps
    np.testing.assert_array_equal(a.tables, b.tables)
    assert a.batch_returns != c.batch_returns
