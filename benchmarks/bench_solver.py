"""Time to solve all 12 canonical games exactly, both follower classes and both tie rules.

Run: python benchmarks/bench_solver.py
"""

from __future__ import annotations

import time

from stackmeta_lite.games.bimatrix import CANONICAL_GAMES, make_game
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.solver import FOLLOWER_CLASSES, solve_iterated
from stackmeta_lite.games.ties import TIE_RULES


def solve_all() -> list[tuple[str, str, str, float]]:
    return [
        (
            name,
            follower_class,
            ties,
            solve_iterated(IteratedGame(make_game(name)), follower_class, ties).per_step,
        )
        for name in CANONICAL_GAMES
        for follower_class in FOLLOWER_CLASSES
        for ties in TIE_RULES
    ]


def main() -> None:
    solve_all()  # warm up imports and caches
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        rows = solve_all()
        timings.append(time.perf_counter() - start)
    print(
        f"{len(rows)} solves (12 games x 2 follower classes x 2 tie rules): "
        f"best {min(timings):.3f} s, median {sorted(timings)[2]:.3f} s"
    )
    print(
        f"{'game':20s} {'stat/strong':>11s} {'stat/weak':>10s} {'time/strong':>11s} "
        f"{'time/weak':>10s}"
    )
    for i in range(0, len(rows), 4):
        values = " ".join(f"{row[3]:10.2f}" for row in rows[i : i + 4])
        print(f"{rows[i][0]:20s} {values}")


if __name__ == "__main__":
    main()
