"""Numbers unchanged: small runs of named configurations give exactly the committed rows.

tests/data/reference_rows.csv was written by ``python tests/test_reference_rows.py`` on the code
before the learners were refactored (commit c6b1905, where the methods had no ``_table``
suffix). The configurations are spelled out here, not taken from the defaults, so that changing
a default does not change what is compared: the leader commits to one sampled table per episode
(the ``*_table`` ablation, the only leader before the refactor) and the follower is pre-trained
with the old ``FOLLOWER_PRETRAIN``.

Issue 18 changed how the baseline is scored, not how it trains: its rows used to be re-scored by
a fresh, noisy Q-learner per update and are now scored like meta-RL's (against the last
Q-learner the leader trained against, exactly). So for the baseline only the training columns
(steps and leader tables) are compared; its new scoring is tested in tests/test_experiments.py.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from stackmeta_lite.experiments.run import RunConfig, run
from stackmeta_lite.learners.dqn import DQNConfig
from stackmeta_lite.learners.pg import PGConfig
from stackmeta_lite.learners.ppo import PPOConfig

REFERENCE = Path(__file__).parent / "data" / "reference_rows.csv"
OLD_FOLLOWER_PRETRAIN = PGConfig(
    lr=0.05, batch_steps=100, iterations=40, gamma=0.9, baseline="step"
)
# The old leaders started from zero logits and always subtracted the batch mean return.
OLD_PPO = PPOConfig(lr=0.008, batch_steps=300, iterations=6, init_std=0.0)
OLD_PG = PGConfig(lr=0.156, batch_steps=100, iterations=30, gamma=1.0, baseline="step")
CONFIGS = {
    "meta_ppo_table": RunConfig(follower=OLD_FOLLOWER_PRETRAIN, leader=OLD_PPO),
    "meta_pg_table": RunConfig(follower=OLD_FOLLOWER_PRETRAIN, leader=OLD_PG),
    "meta_dqn_table": RunConfig(
        follower=OLD_FOLLOWER_PRETRAIN,
        leader=DQNConfig(iterations=120, learning_starts=20, exploration_episodes=60),
    ),
    "ppo_qlearn_table": RunConfig(
        leader=PPOConfig(lr=0.008, batch_steps=150, iterations=4, init_std=0.0)
    ),
}
RUNS = [
    (game, seed, method)
    for method in CONFIGS
    for game, seed in (("prisoners_dilemma", 0), ("chicken", 3), ("stag_hunt", 11))
]
COLUMNS = [
    "game",
    "seed",
    "method",
    "update",
    "steps_with_queries",
    "steps_plain",
    "leader_table",
    "leader_value",
    "best_response_gap",
    "finetune_improvement",
    "verified",
]
TRAINING_COLUMNS = COLUMNS[:7]
"""Up to ``leader_table``: what training produced, before any scoring."""


def reference_rows() -> pd.DataFrame:
    """Every reference run, its key columns only."""
    tables = [run(game, seed, method, CONFIGS[method]) for game, seed, method in RUNS]
    return pd.concat(tables, ignore_index=True)[COLUMNS]


def test_runs_reproduce_the_committed_reference_rows():
    expected = pd.read_csv(REFERENCE, dtype={"leader_table": str})
    rows = reference_rows()
    baseline = rows["method"] == "ppo_qlearn_table"
    pd.testing.assert_frame_equal(rows[~baseline], expected[~baseline], check_exact=True)
    pd.testing.assert_frame_equal(
        rows.loc[baseline, TRAINING_COLUMNS],
        expected.loc[baseline, TRAINING_COLUMNS],
        check_exact=True,
    )


if __name__ == "__main__":
    reference_rows().to_csv(REFERENCE, index=False)
