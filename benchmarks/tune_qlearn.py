"""Tune the PPO+Q-learn baseline's Q-learning rate (the original release ignored it).

Every rate gets the same games, seeds and leader budget; we report success and steps to optimum
(plain convention) and keep the best as QLearningConfig's default.
Run: python benchmarks/tune_qlearn.py  (writes stackmeta_lite/data/results/tune_qlearn.csv)
"""

from __future__ import annotations

import pandas as pd

from stackmeta_lite.common import data
from stackmeta_lite.common.files import write_csv
from stackmeta_lite.experiments.run import RunConfig
from stackmeta_lite.experiments.summaries import steps_to_optimum
from stackmeta_lite.experiments.sweep import run_sweep
from stackmeta_lite.learners.qlearning import QLearningConfig
from stackmeta_lite.method.presets import BASELINE_PPO

RATES = (0.05, 0.1, 0.3, 0.5, 0.9)
GAMES = ("prisoners_dilemma", "stag_hunt", "chicken", "hero")
SEEDS = (100, 101)  # tuning seeds outside the headline block 1000-1019


def main() -> None:
    rows = []
    for rate in RATES:
        config = RunConfig(qlearning=QLearningConfig(lr=rate), leader=BASELINE_PPO)
        results = run_sweep(GAMES, SEEDS, ["ppo_qlearn"], config, workers=2, progress=False)
        summary = steps_to_optimum(results, "steps_plain")
        rows.append(
            {
                "q_lr": rate,
                "success_rate": summary["success"].mean(),
                "median_steps_plain": summary["steps_plain"].median(),
                "mean_final_value_gap": (summary["optimum"] - summary["final_value"]).mean(),
            }
        )
        print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    write_csv(table, data.RESULTS / "tune_qlearn.csv")
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
