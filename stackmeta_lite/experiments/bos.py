"""The paper's Appendix B: Battle of the Sexes with a nested-loop leader and a tabular Q-learning
follower, whose Q-table is reset between leader updates (the paper's reset), reset every leader
episode (a measured variant) or learns continuously.

The one-shot game is the iterated game with horizon 1, so only the leader's answer for the start
state matters. Leader rewards are raw payoffs: 2 at the Stackelberg outcome (coordinate on the
leader's choice), 1 at the follower's preferred equilibrium, 0 on miscoordination.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from stackmeta_lite.common.validation import check_choice
from stackmeta_lite.games.bimatrix import BATTLE_OF_THE_SEXES, make_game
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.learners import torch_threads
from stackmeta_lite.learners.pg import PGConfig
from stackmeta_lite.learners.qlearning import QLearningConfig
from stackmeta_lite.method.leader import train_table_leader
from stackmeta_lite.method.presets import BOS_FOLLOWER, BOS_LEADER
from stackmeta_lite.method.qlearn_opponent import RESETS, QLearningOpponent

FOLLOWERS = {"update": "reset", "episode": "episode reset", "never": "continuous"}
"""The ``follower`` label of each ``reset`` choice of ``QLearningOpponent``."""


def battle_of_the_sexes_run(
    seed: int,
    reset: str = "update",
    leader: PGConfig = BOS_LEADER,
    follower: QLearningConfig = BOS_FOLLOWER,
) -> pd.DataFrame:
    """One seed of one variant: a row per leader update with the batch's mean leader reward and
    the leader's greedy action (0 = its own choice); ``reset`` is one of ``RESETS``."""
    iterated = IteratedGame(make_game(BATTLE_OF_THE_SEXES), horizon=1)
    respond = QLearningOpponent(iterated, follower, np.random.default_rng(seed), reset=reset)
    with torch_threads(1):
        run = train_table_leader(iterated, respond, leader, seed, episode_cost=respond.episode_cost)
    return pd.DataFrame(
        {
            "seed": seed,
            "follower": FOLLOWERS[reset],
            "update": np.arange(1, len(run.tables) + 1),
            # float32 batch means: 6 decimals keep their digits and drop the float32 noise
            "leader_reward": np.round(np.array(run.batch_returns) + iterated.game.offset, 6),
            "leader_action": [int(table[0]) for table in run.tables],
        }
    )


def battle_of_the_sexes(
    seeds: Iterable[int] = range(4), resets: Iterable[str] = RESETS, **configs
) -> pd.DataFrame:
    """The variants ``resets`` (one or more of ``RESETS``, default all) for every seed, as one
    tidy table."""
    resets = [resets] if isinstance(resets, str) else list(resets)
    for reset in resets:
        check_choice("reset", reset, RESETS)
    if len(set(resets)) != len(resets):
        raise ValueError(f"resets must be distinct, got {resets}")
    return pd.concat(
        [battle_of_the_sexes_run(seed, reset, **configs) for reset in resets for seed in seeds],
        ignore_index=True,
    )


def outcomes(results: pd.DataFrame, last: int = 20) -> pd.DataFrame:
    """Per variant and seed: the mean leader reward over the ``last`` updates and its outcome
    (``stackelberg`` near 2, ``follower's equilibrium`` near 1, else ``failed``)."""
    final = (
        results.groupby(["follower", "seed"])["leader_reward"]
        .apply(lambda rewards: rewards.tail(last).mean())
        .rename("final_leader_reward")
        .reset_index()
    )
    final["outcome"] = np.select(
        [final["final_leader_reward"] >= 1.8, (final["final_leader_reward"] - 1).abs() <= 0.2],
        ["stackelberg", "follower's equilibrium"],
        "failed",
    )
    return final
