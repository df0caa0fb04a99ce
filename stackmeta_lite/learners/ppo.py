"""PPO (Schulman et al. 2017) whole: config, clipped surrogate, and the update with its epochs,
advantage normalisation, entropy bonus and an optional value baseline (a critic).

A batch is ``(observations, actions, returns)`` as in ``learners.pg``: one return per decision,
trailing dimensions of ``observations``/``actions`` summed into one decision. The critic, when
used, reads its own ``value_observations`` (same shape as ``returns``).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from stackmeta_lite.common.validation import check_positive_int, check_range
from stackmeta_lite.learners.pg import decision_log_probs
from stackmeta_lite.learners.policy import CategoricalPolicy, ValueFunction


@dataclass(frozen=True)
class PPOConfig:
    """PPO hyperparameters; lr, batch and entropy follow the paper's Table 1 leader PPO,
    gamma, clip, epochs and the value-loss weight are RLlib 2.0's defaults."""

    lr: float = 0.008  # Adam step size of the policy
    batch_steps: int = 1000  # env steps per update (paper convention, complete episodes)
    iterations: int = 500  # updates
    epochs: int = 30  # SGD passes over each batch (RLlib num_sgd_iter)
    clip_coef: float = 0.3  # RLlib clip_param
    entropy_coef: float = 0.0  # weight of the entropy bonus (nats)
    gamma: float = 0.99  # discount of the returns-to-go
    value_lr: float = 0.1  # Adam step size of the critic (ours: a table needs larger steps)
    value_coef: float = 1.0  # weight of the critic's squared error (RLlib vf_loss_coeff)
    hidden: int | None = None  # None: tables on one-hot inputs
    init_std: float = 0.01  # std of the policy table's initial logits (CleanRL's 0.01)

    def __post_init__(self) -> None:
        check_range("lr", self.lr, 0.0, low_open=True)
        check_positive_int("batch_steps", self.batch_steps)
        check_positive_int("iterations", self.iterations)
        check_positive_int("epochs", self.epochs)
        check_range("clip_coef", self.clip_coef, 0.0, low_open=True)
        check_range("entropy_coef", self.entropy_coef, 0.0)
        check_range("gamma", self.gamma, 0.0, 1.0)
        check_range("value_lr", self.value_lr, 0.0, low_open=True)
        check_range("value_coef", self.value_coef, 0.0)
        if self.hidden is not None:
            check_positive_int("hidden", self.hidden)
        check_range("init_std", self.init_std, 0.0)


def ppo_optimizer(
    policy: CategoricalPolicy, critic: ValueFunction | None, config: PPOConfig
) -> torch.optim.Adam:
    """One Adam over the policy (``lr``) and the critic if any (``value_lr``)."""
    groups = [{"params": policy.parameters()}]
    if critic is not None:
        groups.append({"params": critic.parameters(), "lr": config.value_lr})
    return torch.optim.Adam(groups, lr=config.lr)


def clipped_surrogate_loss(
    log_probs: torch.Tensor,
    old_log_probs: torch.Tensor,
    advantages: torch.Tensor,
    clip_coef: float,
) -> torch.Tensor:
    """PPO's pessimistic clipped objective, negated for minimisation."""
    ratio = torch.exp(log_probs - old_log_probs)
    clipped = torch.clamp(ratio, 1 - clip_coef, 1 + clip_coef)
    return -torch.min(ratio * advantages, clipped * advantages).mean()


def ppo_update(
    policy: CategoricalPolicy,
    optimizer: torch.optim.Optimizer,
    observations: torch.Tensor,
    actions: torch.Tensor,
    returns: torch.Tensor,
    config: PPOConfig,
    critic: ValueFunction | None = None,
    value_observations: torch.Tensor | None = None,
) -> None:
    """``config.epochs`` full-batch PPO steps on one batch (RLlib: one minibatch = the batch)."""
    n_dims = returns.dim()
    with torch.no_grad():
        old_log_probs = decision_log_probs(policy, observations, actions, n_dims)
        # Advantages: return minus the critic's estimate, then normalised over the batch; a
        # batch of one decision has no spread and keeps its raw advantage (Stable-Baselines3).
        advantages = returns if critic is None else returns - critic(value_observations)
        if advantages.numel() > 1:
            centred = advantages - advantages.mean()
            advantages = centred / (centred.std() + 1e-8)
    for _ in range(config.epochs):
        log_probs = decision_log_probs(policy, observations, actions, n_dims)
        # Policy loss: the clipped surrogate.
        loss = clipped_surrogate_loss(log_probs, old_log_probs, advantages, config.clip_coef)
        # Entropy bonus over the batch's observations.
        if config.entropy_coef:
            loss = loss - config.entropy_coef * policy.entropy(observations).mean()
        # Value loss: the critic regresses the returns.
        if critic is not None:
            value_error = critic(value_observations) - returns
            loss = loss + config.value_coef * 0.5 * (value_error**2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
