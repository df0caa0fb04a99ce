"""Throughput of the batched numpy rollout against the PettingZoo environment on the same games.

Agent-steps are counted per agent and play step (2 per step). Run: python benchmarks/bench_env.py
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from stackmeta_lite.games.batched import play_tables
from stackmeta_lite.games.bimatrix import make_game
from stackmeta_lite.games.envs import IteratedGameEnv
from stackmeta_lite.games.iterated import IteratedGame


def batched_rate(iterated: IteratedGame, batch: int, repeats: int, rng) -> float:
    leaders = rng.integers(0, 2, (batch, iterated.n_states))
    followers = rng.integers(0, 2, (batch, iterated.n_states))
    play_tables(iterated, leaders, followers)  # warm up
    start = time.perf_counter()
    for _ in range(repeats):
        play_tables(iterated, leaders, followers)
    elapsed = time.perf_counter() - start
    return 2 * batch * iterated.horizon * repeats / elapsed


def pettingzoo_rate(iterated: IteratedGame, episodes: int, rng) -> float:
    env = IteratedGameEnv(iterated.game, iterated.horizon, queries=False)
    leaders = rng.integers(0, 2, (episodes, iterated.n_states))
    followers = rng.integers(0, 2, (episodes, iterated.n_states))
    start = time.perf_counter()
    for leader, follower in zip(leaders, followers, strict=True):
        observations, _ = env.reset()
        while env.agents:
            observations, *_ = env.step(
                {
                    "leader": leader[observations["leader"]],
                    "follower": follower[observations["follower"]],
                }
            )
    elapsed = time.perf_counter() - start
    return 2 * episodes * iterated.horizon / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--episodes", type=int, default=5_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    iterated = IteratedGame(make_game("prisoners_dilemma"))
    fast = batched_rate(iterated, args.batch, args.repeats, rng)
    slow = pettingzoo_rate(iterated, args.episodes, rng)
    print(f"batched numpy : {fast:14,.0f} agent-steps/s (batch {args.batch})")
    print(f"PettingZoo env: {slow:14,.0f} agent-steps/s")
    print(f"ratio         : {fast / slow:14,.1f}x")


if __name__ == "__main__":
    main()
