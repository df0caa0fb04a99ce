"""REINFORCE (Williams 1992), the paper's PG, whole: config, returns-to-go, baseline, update.

A batch is ``(observations, actions, returns)``: ``returns`` holds one number per decision and
``observations``/``actions`` have the shape of ``returns`` plus optional trailing dimensions whose
log-probabilities are summed into one decision (a whole leader table answered at once, say).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from stackmeta_lite.common.validation import check_choice, check_positive_int, check_range
from stackmeta_lite.learners.policy import CategoricalPolicy

BASELINES: tuple[str, ...] = ("none", "step", "observation")
"""``none``; ``step``: the batch mean return of each step (column of a (B, T) batch, or of the
whole batch when it is 1-D); ``observation``: the batch mean return of each observation."""


@dataclass(frozen=True)
class PGConfig:
    """Policy gradient hyperparameters; defaults are the paper's Table 1 follower PG."""

    lr: float = 0.02  # Adam step size
    batch_steps: int = 100  # env steps per update (paper convention, complete episodes)
    iterations: int = 500  # updates
    gamma: float = 0.99  # discount of the returns-to-go (RLlib's default)
    hidden: int | None = None  # None: linear model on one-hot inputs (a table)
    baseline: str = "none"  # one of BASELINES (the paper: none)
    init_std: float = 0.0  # std of a table's initial logits; 0 starts uniform

    def __post_init__(self) -> None:
        check_range("lr", self.lr, 0.0, low_open=True)
        check_positive_int("batch_steps", self.batch_steps)
        check_positive_int("iterations", self.iterations)
        check_range("gamma", self.gamma, 0.0, 1.0)
        if self.hidden is not None:
            check_positive_int("hidden", self.hidden)
        check_choice("baseline", self.baseline, BASELINES)
        check_range("init_std", self.init_std, 0.0)


def returns_to_go(rewards: torch.Tensor, gamma: float) -> torch.Tensor:
    """Discounted returns-to-go along the last axis of a (B, T) reward tensor."""
    returns = torch.zeros_like(rewards)
    running = torch.zeros_like(rewards[..., 0])
    for t in reversed(range(rewards.shape[-1])):
        running = rewards[..., t] + gamma * running
        returns[..., t] = running
    return returns


def subtract_baseline(
    returns: torch.Tensor, observations: torch.Tensor, baseline: str
) -> torch.Tensor:
    """Advantages: ``returns`` minus the chosen batch-mean baseline (see ``BASELINES``)."""
    if baseline == "step":
        return returns - returns.mean(dim=0, keepdim=True)
    if baseline == "observation":
        index = observations.reshape(-1).long()
        totals = torch.bincount(index, weights=returns.reshape(-1).double())
        counts = torch.bincount(index).clamp(min=1)
        return returns - (totals / counts)[index].reshape(returns.shape).to(returns.dtype)
    return returns


def decision_log_probs(
    policy: CategoricalPolicy, observations: torch.Tensor, actions: torch.Tensor, n_dims: int
) -> torch.Tensor:
    """log pi of each decision: elementwise log-probs summed over the dimensions after the first
    ``n_dims`` (those of the returns)."""
    log_probs = policy.log_probs(observations, actions)
    trailing = tuple(range(n_dims, log_probs.dim()))
    return log_probs.sum(dim=trailing) if trailing else log_probs


def pg_update(
    policy: CategoricalPolicy,
    optimizer: torch.optim.Optimizer,
    observations: torch.Tensor,
    actions: torch.Tensor,
    returns: torch.Tensor,
    baseline: str = "none",
    entropy_coef: float = 0.0,
) -> None:
    """One REINFORCE step: ascend the batch mean of advantage x log pi(action | observation),
    plus ``entropy_coef`` x the mean entropy of pi at the batch's observations."""
    # Advantages: returns minus the baseline, in the returns' precision, then float32.
    advantages = subtract_baseline(returns, observations, baseline).float()
    # Policy loss: -mean(log pi * advantage), whose gradient is the REINFORCE estimate.
    log_probs = decision_log_probs(policy, observations, actions, returns.dim())
    loss = -(log_probs * advantages).mean()
    # Entropy bonus (exploration), off by default.
    if entropy_coef:
        loss = loss - entropy_coef * policy.entropy(observations).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
