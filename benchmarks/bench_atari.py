"""Agent steps per second: the trade env vs the raw two-player emulator, same actions and skip.

Run: ``python benchmarks/bench_atari.py [--steps N] [--repeats R] [--csv PATH]``. Both loops play
the same seeded stream of moves (the trade env also gets random trade choices), sum rewards over
``frame_skip`` frames, read RAM once per agent step and reset when the game ends. The trade env's
reset also skips the 125 frozen intro frames, which the raw loop plays as ordinary steps.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from stackmeta_lite.atari.cartridge import ALE_CODES, RAM_SIZE
from stackmeta_lite.atari.emulator import make_emulator
from stackmeta_lite.atari.env import SpaceInvadersTradeEnv

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
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per loop; median kept")
    parser.add_argument("--csv", default=None, help="also write the table to this CSV path")
    args = parser.parse_args()
    actions = action_stream(args.steps)
    runs = {"raw emulator": [], "trade env": []}
    for _ in range(args.repeats):  # interleave the loops so that machine load hits both alike
        runs["raw emulator"].append(raw_steps_per_second(actions))
        runs["trade env"].append(env_steps_per_second(actions))
    table = pd.DataFrame(
        {
            "loop": list(runs),
            "frame_skip": FRAME_SKIP,
            "agent_steps": args.steps,
            "steps_per_s_median": [np.median(v) for v in runs.values()],
            "steps_per_s_max": [np.max(v) for v in runs.values()],
        }
    )
    ratio = table["steps_per_s_median"].iloc[1] / table["steps_per_s_median"].iloc[0]
    print(table.to_string(index=False, float_format="%.0f"))
    print(f"trade env / raw emulator (median): {ratio:.2f}  (target >= 0.8)")
    if args.csv:
        table.assign(ratio=ratio).to_csv(args.csv, index=False)


if __name__ == "__main__":
    main()
