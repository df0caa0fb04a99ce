"""Small torch learners: a table (or MLP) policy, REINFORCE, PPO, DQN and tabular Q-learning."""
