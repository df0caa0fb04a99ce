"""The library on newer Pythons: the non-slow torch-free tests pass on Python 3.12 and 3.13.

For each version an interpreter is looked up on PATH, then in pyenv's versions folder; a version
with no interpreter on this machine is reported as skipped (``pytest -rs`` names it). The tests
run in a fresh uv venv holding the package (built from this checkout, no dependencies) and the
dependencies without torch: from the public index, torch 2.13.0 for these Pythons is only the
multi-GB CUDA build, so the subset is the one that never imports torch (games, exact solver,
environments, registration, budget, shipped data, import layers). Importing torch anywhere in it
fails the test, since torch is absent.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from isolated import run_isolated
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
TORCH_FREE = [
    "test_games.py",
    "test_solver.py",
    "test_envs.py",
    "test_iterated.py",
    "test_registration.py",
    "test_budget.py",
    "test_data.py",
    "test_layers.py",
]
TEST_TOOLS = ["pytest", "hypothesis"]
TIMEOUT = 1800


def find_python(version: str) -> str | None:
    """A working ``python<version>``: on PATH (a pyenv shim may not work), else in pyenv's
    versions folder ($PYENV_ROOT or ~/.pyenv)."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(str(p) for p in pyenv.glob(f"{version}.*/bin/python{version}"))
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
        )
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return candidate
    return None


@pytest.mark.slow
@pytest.mark.parametrize("version", ["3.12", "3.13"])
def test_torch_free_tests_pass_on_newer_pythons(version: str, tmp_path: Path) -> None:
    interpreter = find_python(version)
    if interpreter is None:
        pytest.skip(f"no Python {version} on this machine (PATH or pyenv)")
    uv = shutil.which("uv", path=str(Path(sys.executable).parent))
    assert uv, "uv (test extra) is not installed next to this Python"
    venv = tmp_path / "venv"
    run_isolated([uv, "venv", "--quiet", "--python", interpreter, venv], timeout=TIMEOUT)
    python = venv / "bin" / "python"
    dependencies = [d for d in PROJECT["dependencies"] if Requirement(d).name != "torch"]
    install = [uv, "pip", "install", "--quiet", "--python", python]
    run_isolated([*install, *dependencies, *TEST_TOOLS], timeout=TIMEOUT)
    run_isolated([*install, "--no-deps", ROOT], timeout=TIMEOUT)
    tests = [ROOT / "tests" / name for name in TORCH_FREE]
    # --noconftest: conftest.py sets torch's threads and serves the book, which these never use
    cmd = [python, "-m", "pytest", "-q", "-m", "not slow", "--noconftest", "-p", "no:cacheprovider"]
    out = run_isolated([*cmd, "--rootdir", ROOT, *tests], cwd=tmp_path, timeout=TIMEOUT).stdout
    assert not re.search(r"\d+ (failed|error|skipped)", out), out[-3000:]
    assert int(re.search(r"(\d+) passed", out)[1]) >= 50, out[-3000:]
    where = run_isolated(
        [python, "-c", "import stackmeta_lite; print(stackmeta_lite.__file__)"], cwd=tmp_path
    )
    assert str(venv) in where.stdout  # the installed package, not the checkout
    assert (
        run_isolated([python, "-c", "import sys; print(sys.version[:4])"]).stdout.strip() == version
    )
