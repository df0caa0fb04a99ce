"""Tables (or small MLPs) on discrete observations: a categorical policy and a value function.

With ``hidden=None`` a model is linear without bias on a one-hot input, i.e. a table (the paper's
models); otherwise a one-hidden-layer tanh MLP.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


class _ObservationModel(nn.Module):
    """``n_outputs`` numbers per integer observation, from a table or an MLP."""

    def __init__(
        self, n_observations: int, n_outputs: int, hidden: int | None, init_std: float
    ) -> None:
        super().__init__()
        self.n_observations = n_observations
        if hidden is None:
            self.net = nn.Linear(n_observations, n_outputs, bias=False)
            if init_std > 0:
                nn.init.normal_(self.net.weight, std=init_std)
            else:
                nn.init.zeros_(self.net.weight)
        else:
            self.net = nn.Sequential(
                nn.Linear(n_observations, hidden), nn.Tanh(), nn.Linear(hidden, n_outputs)
            )

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        if isinstance(self.net, nn.Linear):  # one-hot times weights is a row lookup
            return self.net.weight.t()[observations.long()]
        one_hot = nn.functional.one_hot(observations.long(), self.n_observations).float()
        return self.net(one_hot)


class CategoricalPolicy(_ObservationModel):
    """Logits of a categorical policy for integer observations.

    A table starts at zero logits (the uniform policy) or, with ``init_std > 0``, at seeded
    normal logits of that standard deviation.
    """

    def __init__(
        self,
        n_observations: int,
        n_actions: int,
        hidden: int | None = None,
        init_std: float = 0.0,
    ) -> None:
        super().__init__(n_observations, n_actions, hidden, init_std)
        self.n_actions = n_actions

    def log_probs(self, observations: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """log pi(action | observation), elementwise."""
        log_pi = torch.log_softmax(self(observations), dim=-1)
        return log_pi.gather(-1, actions.long().unsqueeze(-1)).squeeze(-1)

    def entropy(self, observations: torch.Tensor) -> torch.Tensor:
        """Entropy of pi(. | observation) in nats, elementwise."""
        return torch.distributions.Categorical(logits=self(observations)).entropy()

    @torch.no_grad()
    def probabilities(self) -> np.ndarray:
        """Action probabilities of every observation, shape (n_observations, n_actions)."""
        return torch.softmax(self(torch.arange(self.n_observations)), -1).double().numpy()

    @torch.no_grad()
    def greedy(self) -> np.ndarray:
        """Greedy action of every observation (exploration off), shape (n_observations,)."""
        return self(torch.arange(self.n_observations)).argmax(-1).numpy()


class ValueFunction(_ObservationModel):
    """A state-value estimate per integer observation (a critic); a table starts at zero."""

    def __init__(self, n_observations: int, hidden: int | None = None) -> None:
        super().__init__(n_observations, 1, hidden, init_std=0.0)

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        return super().forward(observations).squeeze(-1)


def sample_actions(probabilities: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One action per row of a (..., n_actions) probability array."""
    cumulative = probabilities.cumsum(axis=-1)
    draws = rng.random(probabilities.shape[:-1] + (1,)) * cumulative[..., -1:]
    return (draws > cumulative).sum(axis=-1)
