"""The PPO+Q-learn baseline (Brero et al.; ``ppo_qlearn``) on games beyond 2x2: before every
leader episode a fresh tabular Q-learner trains against the leader, which then plays it. Scored
like ``experiments.network_run``: the final leader table against the last Q-learner and against
an exact time-aware best responder. The Q-learner is stationary, so at a table whose time-aware
best reply changes near the end it cannot be exact; ``at_optimum_vs_exact`` scores the leader
alone."""

from __future__ import annotations

import numpy as np

from stackmeta_lite.experiments.scoring import score_final_table
from stackmeta_lite.games.batched import play_tables
from stackmeta_lite.games.iterated import IteratedGame, StepCounter
from stackmeta_lite.learners import torch_threads
from stackmeta_lite.learners.ppo import PPOConfig
from stackmeta_lite.learners.qlearning import QLearningConfig
from stackmeta_lite.method.leader import train_leader
from stackmeta_lite.method.presets import BASELINE_PPO, BASELINE_QLEARNING
from stackmeta_lite.method.qlearn_opponent import QLearningOpponent


def run_baseline_time_aware(
    iterated: IteratedGame,
    seed: int,
    leader: PPOConfig = BASELINE_PPO,
    qlearning: QLearningConfig = BASELINE_QLEARNING,
) -> dict:
    """One PPO+Q-learn run scored on its final leader table (``score_final_table``), with the
    env steps it played (no query phase: both conventions agree)."""
    with torch_threads(1):
        respond = QLearningOpponent(iterated, qlearning, np.random.default_rng(seed))
        steps = StepCounter()
        run = train_leader(iterated, respond, leader, seed, steps)
    table = run.tables[-1]
    episode = play_tables(iterated, table[None], respond.replies[-1][None])
    leader_return = float(episode["leader_rewards"].sum())
    follower_return = float(episode["follower_rewards"].sum())
    scored = score_final_table(iterated, table, leader_return, follower_return)
    return scored | {"seed": seed, "steps_with_queries": steps.plain}  # it has no query phase
