"""Categorical policies over discrete observations: a table of logits (the paper's linear model
without bias on one-hot inputs) or a small MLP."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


class CategoricalPolicy(nn.Module):
    """Logits of a categorical policy for integer observations.

    With ``hidden=None`` the model is linear without bias on a one-hot input, i.e. a table,
    initialised to zero (the uniform policy); otherwise a one-hidden-layer tanh MLP.
    """

    def __init__(self, n_observations: int, n_actions: int, hidden: int | None = None) -> None:
        super().__init__()
        self.n_observations = n_observations
        if hidden is None:
            self.net = nn.Linear(n_observations, n_actions, bias=False)
            nn.init.zeros_(self.net.weight)
        else:
            self.net = nn.Sequential(
                nn.Linear(n_observations, hidden), nn.Tanh(), nn.Linear(hidden, n_actions)
            )

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        if isinstance(self.net, nn.Linear):  # one-hot times weights is a row lookup
            return self.net.weight.t()[observations.long()]
        one_hot = nn.functional.one_hot(observations.long(), self.n_observations).float()
        return self.net(one_hot)

    def log_probs(self, observations: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """log pi(action | observation), elementwise."""
        log_pi = torch.log_softmax(self(observations), dim=-1)
        return log_pi.gather(-1, actions.long().unsqueeze(-1)).squeeze(-1)

    @torch.no_grad()
    def probabilities(self) -> np.ndarray:
        """Action probabilities of every observation, shape (n_observations, n_actions)."""
        return torch.softmax(self(torch.arange(self.n_observations)), -1).double().numpy()

    @torch.no_grad()
    def greedy(self) -> np.ndarray:
        """Greedy action of every observation (exploration off), shape (n_observations,)."""
        return self(torch.arange(self.n_observations)).argmax(-1).numpy()


def sample_actions(probabilities: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One action per row of a (B, n_actions) probability array."""
    cumulative = probabilities.cumsum(axis=-1)
    draws = rng.random(probabilities.shape[:-1] + (1,)) * cumulative[..., -1:]
    return (draws > cumulative).sum(axis=-1)
