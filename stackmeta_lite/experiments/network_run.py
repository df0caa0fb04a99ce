"""One run of Algorithm 1 with the network follower (``method.network_meta``), for games where
no table of contexts fits, scored on its final leader table against the exact time-aware
Stackelberg value (the follower's class). The exact solver only measures."""

from __future__ import annotations

import numpy as np

from stackmeta_lite.experiments.scoring import score_final_table
from stackmeta_lite.games.iterated import IteratedGame, StepCounter
from stackmeta_lite.games.solver import GAP_TOLERANCE
from stackmeta_lite.learners import torch_threads
from stackmeta_lite.method.followers.network import play, pretrain_network
from stackmeta_lite.method.leader import train_table_leader
from stackmeta_lite.method.network_meta import NetworkResponse, NetworkRunConfig, verify_network


def run_network(iterated: IteratedGame, seed: int, config: NetworkRunConfig) -> dict:
    """One run (pre-train, train the leader, verify), scored on its final leader table: the
    leader's value against its own follower and against an exact time-aware best responder,
    the follower's exact gap, the verification, the exact optimum and the env steps (paper
    convention, verification included)."""
    with torch_threads(1):
        learner, pretraining = pretrain_network(iterated, config.follower, seed)
        steps = StepCounter()
        steps.add_episodes(iterated, pretraining // iterated.steps_per_episode(with_queries=True))
        respond = NetworkResponse(iterated, learner, config.continual, steps)
        leader = train_table_leader(iterated, respond, config.leader, seed, steps)
        table = leader.tables[-1]
        gain, _, verify_steps = verify_network(learner, iterated, table, config.verify_batches)
        _, own_follower, own_leader = play(
            learner.follower, table[None], 0.0, np.random.default_rng(0)
        )
    scored = score_final_table(iterated, table, float(own_leader[0]), float(own_follower[0]))
    return scored | {
        "seed": seed,
        "continual": config.continual,
        "finetune_improvement": gain,
        "passed": gain <= GAP_TOLERANCE,
        "steps_with_queries": steps.with_queries + verify_steps,
    }
