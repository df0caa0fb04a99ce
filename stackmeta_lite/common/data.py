"""The committed results the chapters draw, shipped with the package (so a chapter runs on Colab
or Binder without the repository): ``RESULTS`` holds the benchmark and tuning CSVs (written by
``benchmarks/``), ``ATARI`` the Atari experiment's CSVs (``python -m stackmeta_lite.atari``; its
README explains every column)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "data"
RESULTS = DATA / "results"
ATARI = DATA / "atari"


def read(folder: Path, name: str, **read_csv) -> pd.DataFrame:
    """The CSV ``name`` of ``folder`` (``RESULTS`` or ``ATARI``); ``read_csv`` goes to pandas."""
    path = folder / name
    if not path.is_file():
        shipped = ", ".join(sorted(p.name for p in folder.glob("*.csv"))) or "none"
        raise FileNotFoundError(f"no committed data file {name!r} in {folder}; shipped: {shipped}")
    return pd.read_csv(path, **read_csv)
