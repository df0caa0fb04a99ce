"""environment.yml mirrors pyproject.toml, and its pip list resolves.

The conda environment (used by Binder and by conda users) must install what `make venv` installs:
the dependencies and the atari, book, test, ray and lab extras, with the same pins.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
MIRRORED_EXTRAS = ("atari", "book", "test", "ray", "lab")
TORCH_PIN = "==2.13.0"


def _by_name(requirements: list[str]) -> dict[str, str]:
    """Map canonical package name -> specifier (with extras and markers); fail on repeats."""
    out: dict[str, str] = {}
    for text in requirements:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        assert name not in out, f"{req.name} is listed twice"
        extras = "[" + ",".join(sorted(req.extras)) + "]" if req.extras else ""
        marker = f"; {req.marker}" if req.marker else ""
        out[name] = f"{extras}{req.specifier}{marker}"
    return out


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in MIRRORED_EXTRAS:
        requirements += project["optional-dependencies"][extra]
    return _by_name(requirements)


def _environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def _environment_pip_list() -> list[str]:
    pip_sections = [d["pip"] for d in _environment()["dependencies"] if isinstance(d, dict)]
    assert len(pip_sections) == 1, "environment.yml needs exactly one `pip:` section"
    return [str(item) for item in pip_sections[0]]


def test_environment_uses_conda_forge_python_311_and_pip() -> None:
    env = _environment()
    assert env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    assert "python=3.11" in conda
    assert "pip" in conda


def test_environment_installs_the_project_itself() -> None:
    assert "-e ." in _environment_pip_list()


def test_environment_pins_match_pyproject() -> None:
    env = _by_name([r for r in _environment_pip_list() if r != "-e ."])
    project = _pyproject_requirements()
    only_project = sorted(f"{n}{s}" for n, s in project.items() if n not in env)
    only_env = sorted(f"{n}{s}" for n, s in env.items() if n not in project)
    differ = sorted(
        f"{n}: pyproject {project[n]!r} vs environment.yml {env[n]!r}"
        for n in project.keys() & env.keys()
        if project[n] != env[n]
    )
    assert not only_project, f"in pyproject.toml, missing from environment.yml: {only_project}"
    assert not only_env, f"in environment.yml, missing from pyproject.toml: {only_env}"
    assert not differ, f"pins differ: {differ}"


def test_torch_is_pinned() -> None:
    assert _pyproject_requirements()["torch"] == TORCH_PIN
    assert _by_name([r for r in _environment_pip_list() if r != "-e ."])["torch"] == TORCH_PIN


def test_environment_pip_list_resolves(tmp_path: Path) -> None:
    """`pip install --dry-run` resolves the whole pip list; nothing is installed."""
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("\n".join(r for r in _environment_pip_list() if r != "-e .") + "\n")
    report = tmp_path / "report.json"
    cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet"]
    cmd += ["--report", str(report), "-r", str(requirements)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        pytest.fail("pip could not resolve environment.yml's pip list within 600 s")
    assert proc.returncode == 0, f"pip could not resolve environment.yml:\n{proc.stderr[-3000:]}"
    resolved = {
        canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"]
        for item in json.loads(report.read_text())["install"]
    }
    assert resolved["torch"].split("+")[0] == TORCH_PIN.removeprefix("==")
