"""The chapters run with the readers' environment alone, away from the repository.

A fresh venv gets what a reader installs: torch 2.13.0 first (pip takes the CPU build where it
is offered, as on this machine), then the package built from this checkout with its `readers`
extra, at the newest versions its ranges allow (as Binder or Colab would), and nbmake to run the
chapters; no book, test or development tool. Every chapter is copied into an empty folder (no
benchmarks/ or data/ beside it, as on Colab) and runs top to bottom under nbmake on the ci budget.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TORCH = "torch==2.13.0"
RUNNER = "nbmake>=1.5"
TIMEOUT = 3600
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
"""The venv's processes never import this checkout."""


def _run(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, timeout=TIMEOUT, **kwargs
    )
    assert proc.returncode == 0, f"{cmd[:5]} failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.mark.slow
def test_every_chapter_runs_with_the_readers_dependencies_alone(tmp_path: Path) -> None:
    assert len(CHAPTERS) == 6
    uv = shutil.which("uv", path=str(Path(sys.executable).parent))
    assert uv, "uv (test extra) is not installed next to this Python"
    venv = tmp_path / "venv"
    _run([uv, "venv", "--seed", "--quiet", "--python", sys.executable, venv], env=ENV)
    python = venv / "bin" / "python"
    _run([python, "-m", "pip", "install", "--quiet", TORCH], env=ENV)
    _run([uv, "pip", "install", "--quiet", "--python", python, f"{ROOT}[readers]", RUNNER], env=ENV)
    absent = (
        "import importlib.util as u; print([m for m in ('jupyter_book', 'ray') if u.find_spec(m)])"
    )
    assert _run([python, "-c", absent], env=ENV).stdout.strip() == "[]"

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
    out = _run(
        [*cmd, *sorted(chapters.glob("*.ipynb"))],
        cwd=chapters,
        env={**ENV, "STACKMETA_BUDGET": "ci"},
    ).stdout
    assert re.search(rf"\b{len(CHAPTERS)} passed\b", out), out[-3000:]
