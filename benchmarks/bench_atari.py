"""Agent steps per second: the trade env vs the raw two-player emulator, same actions and skip.

Run: ``python benchmarks/bench_atari.py [--steps N] [--repeats R] [--csv PATH]``; the CSV keeps
one row per interleaved pair of timed runs, so the spread of the ratio is visible. Both loops play
the same seeded stream of moves (the trade env also gets random trade choices), sum rewards over
``frame_skip`` frames, read RAM once per agent step and reset when the game ends. The trade env's
reset restores a snapshot past the 125 frozen intro frames, which the raw loop plays as ordinary
steps.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd

from stackmeta_lite.atari.cartridge import ALE_CODES, RAM_SIZE
from stackmeta_lite.atari.emulator import make_emulator
from stackmeta_lite.atari.env import SpaceInvadersTradeEnv
from stackmeta_lite.common.files import write_csv

FRAME_SKIP = 4


def action_stream(steps: int, seed: int = 0) -> np.ndarray:
    """(steps, 4) ints: seller move, buyer move, seller trade choice, buyer trade choice."""
    rng = np.random.default_rng(seed)
    moves = rng.integers(0, len(ALE_CODES), size=(steps, 2))
    return np.column_stack([moves, rng.integers(0, 6, steps), rng.integers(0, 2, steps)])


def raw_steps_per_second(actions: np.ndarray) -> float:
    """Agent steps/s of the bare emulator: FRAME_SKIP frames, rewards summed, RAM read per step."""
    ale, ram = make_emulator(), np.zeros(RAM_SIZE, dtype=np.uint8)
    codes = [(ALE_CODES[s], ALE_CODES[b]) for s, b in actions[:, :2].tolist()]
    start = time.perf_counter()
    for pair in codes:
        total = [0, 0]
        for _ in range(FRAME_SKIP):
            r_s, r_b = ale.act(list(pair)).tolist()
            total[0] += r_s
            total[1] += r_b
            if ale.game_over():
                break
        ale.getRAM(ram)
        if ale.game_over():
            ale.reset_game()
    return len(codes) / (time.perf_counter() - start)


def env_steps_per_second(actions: np.ndarray) -> float:
    """Agent steps/s of SpaceInvadersTradeEnv with the same moves plus trade choices."""
    env = SpaceInvadersTradeEnv(frame_skip=FRAME_SKIP)
    env.reset(seed=0)
    stream = [{"seller": (ms, ts), "buyer": (mb, tb)} for ms, mb, ts, tb in actions.tolist()]
    start = time.perf_counter()
    for step_actions in stream:
        env.step(step_actions)
        if not env.agents:
            env.reset()
    return len(stream) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10_000, help="agent steps per timed run")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per loop, >= 1")
    parser.add_argument("--csv", default=None, help="also write one row per timed run here")
    args = parser.parse_args()
    if args.steps < 1 or args.repeats < 1:
        parser.error(f"--steps and --repeats must be >= 1, got {args.steps}, {args.repeats}")
    actions = action_stream(args.steps)
    rows = []
    for repeat in range(args.repeats):  # interleave the loops so that machine load hits both alike
        raw = raw_steps_per_second(actions)
        env = env_steps_per_second(actions)
        rows.append({"repeat": repeat, "raw_steps_per_s": raw, "env_steps_per_s": env})
    table = pd.DataFrame(rows).assign(
        frame_skip=FRAME_SKIP, agent_steps=args.steps, load_1min=os.getloadavg()[0]
    )
    table["ratio"] = table["env_steps_per_s"] / table["raw_steps_per_s"]
    print(table.to_string(index=False, float_format="%.2f"))
    ratio = table["ratio"]
    print(
        f"trade env / raw emulator: median {ratio.median():.2f}, range {ratio.min():.2f}-"
        f"{ratio.max():.2f} over {len(table)} interleaved runs (target >= 0.8)"
    )
    if args.csv:
        write_csv(table, args.csv)


if __name__ == "__main__":
    main()
