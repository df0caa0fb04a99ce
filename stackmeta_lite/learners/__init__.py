"""Small torch learners: a table (or MLP) policy, REINFORCE, PPO, DQN and tabular Q-learning."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch

OPTIMIZERS: dict[str, type[torch.optim.Optimizer]] = {
    "adam": torch.optim.Adam,
    "sgd": torch.optim.SGD,
}
"""Optimizers by name, for configs that choose one."""


@contextmanager
def torch_threads(count: int = 1) -> Iterator[None]:
    """Run torch on ``count`` threads inside the block: the models here are tiny, so extra
    threads only contend for the cores."""
    previous = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
