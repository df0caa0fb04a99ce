"""The paper's method (Algorithm 1): contextual followers pre-trained against random leaders,
the leader trained against a frozen follower, the verification, and the baseline's Q-learning
opponent."""
