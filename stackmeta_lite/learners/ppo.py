"""PPO's clipped surrogate (Schulman et al. 2017), for the leader."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from stackmeta_lite.validation import check_positive_int, check_range


@dataclass(frozen=True)
class PPOConfig:
    """PPO hyperparameters; lr, batch and entropy follow the paper's Table 1 leader PPO,
    clip and epochs are RLlib 2.0's defaults."""

    lr: float = 0.008  # Adam step size
    batch_steps: int = 1000  # env steps per update (paper convention, complete episodes)
    iterations: int = 500  # updates
    epochs: int = 30  # SGD passes over each batch (RLlib num_sgd_iter)
    clip_coef: float = 0.3  # RLlib clip_param
    entropy_coef: float = 0.0
    hidden: int | None = None

    def __post_init__(self) -> None:
        check_range("lr", self.lr, 0.0, low_open=True)
        check_positive_int("batch_steps", self.batch_steps)
        check_positive_int("iterations", self.iterations)
        check_positive_int("epochs", self.epochs)
        check_range("clip_coef", self.clip_coef, 0.0, low_open=True)
        check_range("entropy_coef", self.entropy_coef, 0.0)
        if self.hidden is not None:
            check_positive_int("hidden", self.hidden)


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
