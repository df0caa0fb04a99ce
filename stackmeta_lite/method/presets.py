"""Every preset configuration in one place: the paper's Table 1 values, named as such, next to
the tuned values the experiments use (tuned on seeds below 100, see benchmarks/tune_*.py)."""

from __future__ import annotations

from dataclasses import replace

from stackmeta_lite.learners.dqn import DQNConfig
from stackmeta_lite.learners.pg import PGConfig
from stackmeta_lite.learners.ppo import PPOConfig
from stackmeta_lite.learners.qlearning import QLearningConfig
from stackmeta_lite.method.followers import CriticConfig, SearchConfig

# --- the paper's Table 1 ------------------------------------------------------------------------

PAPER_FOLLOWER_PG = PGConfig(lr=0.02, batch_steps=100, iterations=500)
"""The paper's follower: PG, lr 0.02, batches of 100 steps, 500 iterations."""
PAPER_LEADER_PG = PGConfig(lr=0.156, batch_steps=100, iterations=1200)
"""The paper's leader PG: lr 0.156, batches of 100 steps, 1200 iterations."""
PAPER_LEADER_PPO = PPOConfig(lr=0.008, batch_steps=1000, iterations=500, entropy_coef=0.0)
"""The paper's leader PPO: lr 0.008, batches of 1000 steps, 500 iterations, no entropy bonus."""

# --- ours ---------------------------------------------------------------------------------------

SEARCH_FOLLOWER = SearchConfig()
"""The exhaustive reply search, run until every context is finished: a reference follower (exact
for 2x2 games, cost exponential in the number of states), not the paper's learner."""
CRITIC_FOLLOWER = CriticConfig(max_steps=5_000)
"""Our learned follower: the contextual actor-critic, pre-trained for 5,000 env steps (chosen
with the leader's settings in benchmarks/tune_ours.py on seeds 0-9, without the exact solver; the
leaders are ``LEADER_PPO`` and, kept training, ``LEADER_PPO_CONTINUAL``)."""
LEADER_PG = PGConfig(
    lr=0.156, batch_steps=100, iterations=1200, gamma=1.0, baseline="step", init_std=0.01
)
"""The paper's leader PG with a batch-mean baseline per decision (ours) and seeded random initial
logits of std 0.01 (CleanRL's policy-head scale): a near-uniform start."""
LEADER_PPO = PPOConfig(lr=0.008, batch_steps=500, iterations=40, epochs=10, init_std=0.1)
"""Our PPO leader: the paper's lr, batches of 500 steps instead of 1000, 40 updates of 10 epochs
(RLlib: 30), seeded random initial logits of std 0.1 and a tabular critic (tuned in
benchmarks/tune_leader.py on seeds 0-5, against the reply search follower; the book's appendix
lists every stage's seeds)."""
LEADER_PPO_CONTINUAL = replace(LEADER_PPO, iterations=80)
"""The PPO leader of ``meta_ppo_ac_continual``: ``LEADER_PPO`` with 80 updates instead of 40
(chosen in benchmarks/tune_ours.py stage 3 on seeds 0-9, without the exact solver)."""
LEADER_DQN = DQNConfig()
"""Our DQN leader (``DQNConfig`` notes where it differs from the paper's)."""
BASELINE_PPO = PPOConfig(lr=0.008, batch_steps=150, iterations=250)
"""The baseline's PPO leader: 10 leader episodes per update, each costing 81 episodes (80 of
Q-learning against the leader's current policy, then the leader's own)."""
BASELINE_QLEARNING = QLearningConfig()
"""The baseline's Q-learning follower (Brero et al.; its learning rate tuned here)."""
BOS_LEADER = PGConfig(lr=0.05, batch_steps=60, iterations=150, gamma=1.0, baseline="step")
"""Battle of the Sexes: leader REINFORCE, 10 leader episodes per update."""
BOS_FOLLOWER = QLearningConfig(lr=0.1, epsilon=0.1, gamma=0.9, episodes=5)
"""Battle of the Sexes: follower Q-learning, 5 episodes against each leader episode's action."""
