"""One run of Algorithm 1 with the network follower (``method.network_meta``), for games where
no table of contexts fits, scored on its final leader table against the exact time-aware
Stackelberg value (the follower's class). The exact solver only measures."""

from __future__ import annotations

import numpy as np

from stackmeta_lite.experiments.scoring import VALUE_TOLERANCE
from stackmeta_lite.games.iterated import IteratedGame, StepCounter
from stackmeta_lite.games.solver import GAP_TOLERANCE, best_responses, solve_iterated
from stackmeta_lite.learners import torch_threads
from stackmeta_lite.method.followers.network import held_out_gaps, play, pretrain_network
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
        _, _, own_leader = play(learner.follower, table[None], 0.0, np.random.default_rng(0))
        gap = float(held_out_gaps(learner.follower, table[None])[0])
    _, exact_leader, _ = best_responses(iterated, table[None], "time_aware", "strong")
    optimum = solve_iterated(iterated, "time_aware", "strong").per_step
    horizon = iterated.horizon
    best_responding = gap <= GAP_TOLERANCE
    value = float(own_leader[0]) / horizon
    return {
        "game": iterated.game.name,
        "seed": seed,
        "continual": config.continual,
        "leader_table": "".join(map(str, table)),
        "leader_value": value,
        "value_vs_exact": float(exact_leader[0]) / horizon,
        "optimum": optimum,
        "follower_gap": gap,
        "finetune_improvement": gain,
        "passed": gain <= GAP_TOLERANCE,
        "at_optimum": best_responding and value >= optimum - VALUE_TOLERANCE,
        "steps_with_queries": steps.with_queries + verify_steps,
    }
