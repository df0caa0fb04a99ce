"""The committed data the chapters read ships inside the package and is found without a checkout."""

from __future__ import annotations

import pandas as pd
import pytest

from stackmeta_lite.common.data import ATARI, RESULTS, read

CHAPTER_FILES = {
    RESULTS: ["follower_summary.csv", "tune_leader.csv", "bench_atari.csv"]
    + [f"runs_{m}.csv" for m in ("meta_ppo", "meta_pg", "meta_dqn", "meta_ppo_table")]
    + [f"runs_{m}.csv" for m in ("search_ppo", "ppo_qlearn")]
    + ["headline.csv", "summary.csv", "paired.csv", "paired_summary.csv"]
    + ["verification_summary.csv"],
    ATARI: ["bullet_values.csv", "markets.csv"]
    + [
        f"trade_{kind}_{order}.csv"
        for kind in ("summary", "curves")
        for order in ("seller", "buyer")
    ]
    + [f"verification_power_{o}{s}.csv" for o in ("seller", "buyer") for s in ("", "_fine_tune")],
}


@pytest.mark.parametrize("folder", list(CHAPTER_FILES))
def test_every_file_a_chapter_reads_is_in_the_package(folder) -> None:
    for name in CHAPTER_FILES[folder]:
        table = read(folder, name)
        assert len(table) > 0, name
        pd.testing.assert_frame_equal(table, pd.read_csv(folder / name))


def test_read_passes_options_to_pandas() -> None:
    runs = read(RESULTS, "runs_meta_ppo.csv", dtype={"leader_table": str})
    assert runs["leader_table"].str.fullmatch(r"[01]{5}").all()


def test_a_missing_file_is_named_with_what_ships() -> None:
    with pytest.raises(
        FileNotFoundError, match=r"'nope\.csv' in .*; shipped: .*bullet_values\.csv"
    ):
        read(ATARI, "nope.csv")
