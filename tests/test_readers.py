"""The chapters run with the readers' environment alone, away from the repository.

A fresh venv gets what a reader installs: torch 2.13.0 first (pip takes the CPU build where it
is offered, as on this machine), then the package built from this checkout with its `readers`
extra, at the newest versions its ranges allow (as Binder or Colab would), and nbmake to run the
chapters; no book, test or development tool. Every chapter is copied into an empty folder (no
benchmarks/ or data/ beside it, as on Colab) and runs top to bottom under nbmake on the ci budget.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from isolated import run_isolated

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TORCH = "torch==2.13.0"
RUNNER = "nbmake>=1.5"
TIMEOUT = 3600


@pytest.mark.slow
def test_every_chapter_runs_with_the_readers_dependencies_alone(tmp_path: Path) -> None:
    assert len(CHAPTERS) == 7
    uv = shutil.which("uv", path=str(Path(sys.executable).parent))
    assert uv, "uv (test extra) is not installed next to this Python"
    venv = tmp_path / "venv"
    run_isolated(
        [uv, "venv", "--seed", "--quiet", "--python", sys.executable, venv], timeout=TIMEOUT
    )
    python = venv / "bin" / "python"
    run_isolated([python, "-m", "pip", "install", "--quiet", TORCH], timeout=TIMEOUT)
    run_isolated(
        [uv, "pip", "install", "--quiet", "--python", python, f"{ROOT}[readers]", RUNNER],
        timeout=TIMEOUT,
    )
    absent = (
        "import importlib.util as u; print([m for m in ('jupyter_book', 'ray') if u.find_spec(m)])"
    )
    assert run_isolated([python, "-c", absent], timeout=TIMEOUT).stdout.strip() == "[]"

    chapters = tmp_path / "chapters"
    chapters.mkdir()
    for chapter in CHAPTERS:
        shutil.copy(chapter, chapters)
    cmd = [
        python,
        "-m",
        "pytest",
        "--nbmake",
        "-q",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        chapters,
    ]
    out = run_isolated(
        [*cmd, *sorted(chapters.glob("*.ipynb"))],
        cwd=chapters,
        env={"STACKMETA_BUDGET": "ci"},
    ).stdout
    assert re.search(rf"\b{len(CHAPTERS)} passed\b", out), out[-3000:]
