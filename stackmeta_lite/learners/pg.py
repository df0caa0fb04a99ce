"""REINFORCE with batches (the paper's PG), for the follower and the leader."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from stackmeta_lite.validation import check_positive_int, check_range


@dataclass(frozen=True)
class PGConfig:
    """Policy gradient hyperparameters; defaults are the paper's Table 1 follower PG."""

    lr: float = 0.02  # Adam step size
    batch_steps: int = 100  # env steps per update (paper convention, complete episodes)
    iterations: int = 500  # updates
    gamma: float = 0.99  # discount of the returns-to-go (RLlib's default)
    hidden: int | None = None  # None: linear model on one-hot inputs (a table)
    baseline: bool = False  # subtract the batch mean return-to-go of each step (not in the paper)

    def __post_init__(self) -> None:
        check_range("lr", self.lr, 0.0, low_open=True)
        check_positive_int("batch_steps", self.batch_steps)
        check_positive_int("iterations", self.iterations)
        check_range("gamma", self.gamma, 0.0, 1.0)
        if self.hidden is not None:
            check_positive_int("hidden", self.hidden)


def reinforce_loss(log_probs: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Surrogate whose gradient is the REINFORCE estimate: -mean(log pi * return)."""
    return -(log_probs * weights).mean()


def discounted_returns(rewards: torch.Tensor, gamma: float) -> torch.Tensor:
    """Returns-to-go along the last axis of a (B, T) reward tensor."""
    returns = torch.zeros_like(rewards)
    running = torch.zeros_like(rewards[..., 0])
    for t in reversed(range(rewards.shape[-1])):
        running = rewards[..., t] + gamma * running
        returns[..., t] = running
    return returns
