"""Packaging: ranges in pyproject.toml, exact versions in requirements.lock, a readers' conda env.

- The library declares compatible ranges, and they resolve for Python 3.11, 3.12 and 3.13.
- requirements.lock (what `make` installs) pins exactly the packages those ranges need on this
  machine's Python, each within its range, torch at 2.13.0 and no CUDA package.
- The lock installs on the oldest Python that requires-python allows (3.11.0), not only on the
  3.11 that ran pip-compile.
- binder/environment.yml holds what the chapters need (the readers extra, CPU torch, no build or
  test tools), with the ranges of pyproject.toml; its pip list installs in a fresh venv.
- environment.yml (the development environment) installs the lock and the package; its pip list
  installs in a fresh venv (slow).
- CITATION.cff and the project URLs name the same repository and version.

The resolution tests ask the package index for metadata only; the environment tests install into
throwaway venvs under pytest's tmp_path.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from isolated import run_isolated
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
LOCK = ROOT / "requirements.lock"
BINDER_ENV = ROOT / "binder" / "environment.yml"
DEV_ENV = ROOT / "environment.yml"
REPOSITORY = "https://github.com/stackmeta-lite/stackmeta-lite"
TORCH = "2.13.0"
# What a reader's environment needs besides the core dependencies (myst-nb, Jupyter, Atari).
READER_EXTRAS = ("readers",)
# conda-forge names of packages whose PyPI name differs (torch: the CPU-only build).
CONDA_NAMES = {"pytorch-cpu": "torch"}
RESOLVE_TIMEOUT = 600
INSTALL_TIMEOUT = 1800


def _by_name(requirements: list[str]) -> dict[str, Requirement]:
    """Map canonical package name -> requirement; fail on a package listed with two ranges."""
    out: dict[str, Requirement] = {}
    for text in requirements:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        assert out.get(name, req) == req, f"{req.name} is listed as {out[name]} and as {req}"
        out[name] = req
    return out


def _declared(extras: tuple[str, ...] | None = None) -> dict[str, Requirement]:
    """The core dependencies plus the given extras (all extras when None)."""
    optional = PROJECT["optional-dependencies"]
    requirements = list(PROJECT["dependencies"])
    for extra in optional if extras is None else extras:
        requirements += optional[extra]
    return _by_name(requirements)


def _lock() -> dict[str, str]:
    """requirements.lock as canonical name -> exact version."""
    pins: dict[str, str] = {}
    for line in LOCK.read_text().splitlines():
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][A-Za-z0-9.!+_-]*)", text)
        assert match, f"requirements.lock line is not an exact `name==version` pin: {line!r}"
        name = canonicalize_name(match[1])
        assert name not in pins, f"{name} is pinned twice in requirements.lock"
        pins[name] = match[2]
    return pins


def _left_unpinned() -> set[str]:
    """What pip-compile deliberately leaves out of the lock: its "unsafe" list (pip, setuptools)."""
    text = LOCK.read_text()
    marker = "# The following packages are considered to be unsafe in a requirements file:"
    tail = text.split(marker, 1)[1] if marker in text else ""
    return {canonicalize_name(name) for name in re.findall(r"^# ([A-Za-z0-9._-]+)$", tail, re.M)}


def _pip_dryrun_isolated(tmp_path: Path, args: list[str]) -> dict[str, str]:
    """Resolve with `pip install --dry-run` (nothing installed); return name -> version."""
    report = tmp_path / "report.json"
    cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet"]
    cmd += ["--report", str(report), *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=RESOLVE_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"pip could not resolve {args} within {RESOLVE_TIMEOUT} s")
    assert proc.returncode == 0, f"pip could not resolve {args}:\n{proc.stderr[-3000:]}"
    return {
        canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"]
        for item in json.loads(report.read_text())["install"]
    }


def _oldest_python() -> str:
    """The oldest Python that requires-python allows, as X.Y.Z (">=3.11" -> "3.11.0")."""
    (lower,) = [s.version for s in SpecifierSet(PROJECT["requires-python"]) if s.operator == ">="]
    version = Version(lower)
    return f"{version.major}.{version.minor}.{version.micro}"


def _uv() -> str:
    uv = shutil.which("uv", path=str(Path(sys.executable).parent))
    assert uv, "uv (test extra) is not installed next to this Python"
    return uv


def _fresh_venv(tmp_path: Path) -> Path:
    """A new venv (this Python's version, with pip) under ``tmp_path``; returns its python."""
    venv = tmp_path / "venv"
    subprocess.run(
        [_uv(), "venv", "--seed", "--quiet", "--python", sys.executable, str(venv)],
        check=True,
        timeout=RESOLVE_TIMEOUT,
    )
    return venv / "bin" / "python"


# --- pyproject.toml -----------------------------------------------------------------------------


def test_python_range_has_no_upper_bound() -> None:
    assert PROJECT["requires-python"] == ">=3.11"


def test_dependencies_are_ranges_not_pins() -> None:
    pinned = [str(r) for r in _declared().values() if any(s.operator == "==" for s in r.specifier)]
    assert not pinned, f"pyproject.toml pins exact versions (they belong in the lock): {pinned}"
    unbounded = [str(r) for r in _declared().values() if not r.specifier]
    assert not unbounded, f"pyproject.toml gives no lower bound for {unbounded}"


def test_project_urls_name_the_repository() -> None:
    urls = PROJECT["urls"]
    assert urls["Repository"] == REPOSITORY
    assert all(url.startswith(REPOSITORY) for url in urls.values()), urls
    book = yaml.safe_load((ROOT / "book" / "_config.yml").read_text())
    assert book["repository"]["url"].rstrip("/") == REPOSITORY


@pytest.mark.parametrize(
    ("python", "resolution"),
    [("3.11", "highest"), ("3.12", "highest"), ("3.13", "highest"), ("3.14", "highest")]
    + [("3.11", "lowest-direct")],  # every lower bound at once: they install together
)
def test_ranges_resolve_for_python(tmp_path: Path, python: str, resolution: str) -> None:
    """uv resolves every dependency and extra for another Python, as wheels for Linux x86-64."""
    out = tmp_path / "resolved.txt"
    cmd = [_uv(), "pip", "compile", str(ROOT / "pyproject.toml"), "--all-extras", "--quiet"]
    cmd += ["--python-version", python, "--python-platform", "x86_64-manylinux_2_28"]
    cmd += ["--only-binary", ":all:", "--resolution", resolution]
    cmd += ["--no-header", "--output-file", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=RESOLVE_TIMEOUT)
    assert proc.returncode == 0, f"the ranges do not resolve for Python {python}:\n{proc.stderr}"
    resolved = {
        canonicalize_name(name): version
        for name, version in re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", out.read_text(), re.M)
    }
    for name, req in _declared().items():
        assert name in resolved, f"{name} missing from the Python {python} resolution"
        assert req.specifier.contains(resolved[name], prereleases=True), (name, resolved[name])
        if resolution == "lowest-direct":  # the lower bound itself installs
            (lower,) = [s.version for s in req.specifier if s.operator == ">="]
            assert Version(resolved[name]) == Version(lower), (name, resolved[name], str(req))


# --- requirements.lock --------------------------------------------------------------------------


def test_lock_names_no_index_and_no_path() -> None:
    text = LOCK.read_text()
    assert not re.search(r"^\s*-", text, re.M), "requirements.lock holds pip options"
    assert not re.search(r"file://|https?://|/opt/|/work/|/home/", text), (
        "the lock names a location"
    )


def test_lock_pins_cpu_torch_and_no_cuda_packages() -> None:
    pins = _lock()
    assert pins["torch"] == TORCH
    cuda = sorted(n for n in pins if n.startswith("nvidia-") or n == "triton")
    assert not cuda, f"requirements.lock lists CUDA packages: {cuda}"


def test_lock_satisfies_every_declared_range() -> None:
    pins = _lock()
    for name, req in _declared().items():
        if req.marker is not None and not req.marker.evaluate():
            continue
        assert name in pins, f"{req} (pyproject.toml) is not pinned in requirements.lock"
        version = Version(pins[name])
        assert req.specifier.contains(version, prereleases=True), (
            f"requirements.lock pins {name}=={version}, outside pyproject.toml's {req}"
        )


def test_lock_is_exactly_what_pip_resolves(tmp_path: Path) -> None:
    """pip, held to the lock, installs the package's ranges with exactly the locked set."""
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("\n".join(str(r) for r in _declared().values()) + "\n")
    resolved = _pip_dryrun_isolated(tmp_path, ["-c", str(LOCK), "-r", str(requirements)])
    resolved = {
        name: version.split("+")[0]
        for name, version in resolved.items()
        if name not in _left_unpinned()
    }
    pins = _lock()
    assert resolved.keys() - pins.keys() == set(), "pip needs packages the lock lacks"
    assert pins.keys() - resolved.keys() == set(), "the lock pins packages nothing needs"
    assert resolved == pins


def test_lock_installs_on_the_oldest_declared_python(tmp_path: Path) -> None:
    """Every pin of the lock allows the oldest Python of requires-python (uv reads each pin's
    Requires-Python for that exact version; torch's metadata is the public build's)."""
    python = _oldest_python()
    assert python == "3.11.0"
    out = tmp_path / "resolved.txt"
    cmd = [_uv(), "pip", "compile", LOCK, "--python-version", python, "--quiet", "--no-header"]
    cmd += ["--python-platform", "x86_64-manylinux_2_28", "--output-file", out]
    run_isolated(cmd, timeout=RESOLVE_TIMEOUT)
    resolved = dict(re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", out.read_text(), re.M))
    resolved = {canonicalize_name(name): version for name, version in resolved.items()}
    assert {name: resolved.get(name) for name in _lock()} == _lock()


# --- binder/environment.yml ---------------------------------------------------------------------


def _binder() -> tuple[list[str], list[str]]:
    """binder/environment.yml as (conda specs, pip requirements)."""
    env = yaml.safe_load(BINDER_ENV.read_text())
    assert env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = [item for d in env["dependencies"] if isinstance(d, dict) for item in d["pip"]]
    return conda, pip


def test_binder_environment_has_a_python_the_ranges_allow() -> None:
    conda, _ = _binder()
    pythons = [spec for spec in conda if spec.startswith("python=")]
    assert len(pythons) == 1 and "pip" in conda
    assert (
        Version(pythons[0].removeprefix("python="))
        in Requirement(f"python{PROJECT['requires-python']}").specifier
    )


def test_binder_environment_holds_what_the_chapters_need_and_no_more() -> None:
    conda, pip = _binder()
    packages = [spec for spec in conda if not spec.startswith("python=") and spec != "pip"]
    for conda_name, pypi_name in CONDA_NAMES.items():
        packages = [re.sub(rf"^{conda_name}\b", pypi_name, spec) for spec in packages]
    listed = {name: str(req.specifier) for name, req in _by_name(packages + pip).items()}
    wanted = {name: str(req.specifier) for name, req in _declared(READER_EXTRAS).items()}
    assert listed == wanted


def test_binder_torch_is_the_cpu_build_from_conda_forge() -> None:
    conda, pip = _binder()
    assert any(spec.startswith("pytorch-cpu") for spec in conda)
    assert not any(canonicalize_name(Requirement(r).name) == "torch" for r in pip)
    assert not any(str(r).lstrip().startswith("-") for r in pip), "no pip options (index URLs)"


def test_binder_pip_list_resolves(tmp_path: Path) -> None:
    _, pip = _binder()
    resolved = _pip_dryrun_isolated(tmp_path, pip)
    for name in _by_name(pip):
        assert name in resolved


def test_binder_pip_list_installs_in_a_fresh_venv(tmp_path: Path) -> None:
    _, pip = _binder()
    python = _fresh_venv(tmp_path)
    run_isolated(
        [_uv(), "pip", "install", "--quiet", "--python", python, *pip], timeout=INSTALL_TIMEOUT
    )
    run_isolated([python, "-c", "import ale_py, multi_agent_ale_py"], timeout=RESOLVE_TIMEOUT)


def test_binder_installs_the_package_without_dependencies() -> None:
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps ." in post_build
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, "postBuild is not executable"


# --- environment.yml (development) --------------------------------------------------------------


def _dev_env() -> tuple[list[str], list[str]]:
    """environment.yml as (conda specs, pip lines)."""
    env = yaml.safe_load(DEV_ENV.read_text())
    assert env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = [item for d in env["dependencies"] if isinstance(d, dict) for item in d["pip"]]
    return conda, pip


def test_dev_environment_is_the_lock_and_the_package_on_the_locks_python() -> None:
    conda, pip = _dev_env()
    assert conda == ["python=3.11", "pip"]  # the lock is for CPython 3.11 (its header)
    assert "CPython 3.11 (3.11.0 and later)" in LOCK.read_text()
    assert Version("3.11") in SpecifierSet(PROJECT["requires-python"])
    assert pip == ["-r requirements.lock", "-e ."]  # no index URL, no other option


@pytest.mark.slow
def test_dev_environment_pip_list_installs_in_a_fresh_venv(tmp_path: Path) -> None:
    """pip, as conda runs it (from the file's folder), installs the pip list in a new venv: the
    locked versions and the package with its data."""
    _, pip = _dev_env()
    python = _fresh_venv(tmp_path)
    args = [arg for line in pip for arg in line.split(" ", 1)]
    run_isolated(
        [python, "-m", "pip", "install", "--quiet", *args], cwd=ROOT, timeout=INSTALL_TIMEOUT
    )
    probe = "import stackmeta_lite, torch; from stackmeta_lite.common.data import RESULTS; "
    probe += (
        "print(stackmeta_lite.__version__, torch.__version__, len(list(RESULTS.glob('*.csv'))))"
    )
    version, torch, csvs = run_isolated([python, "-c", probe], cwd=tmp_path).stdout.split()
    assert version == PROJECT["version"] and torch.split("+")[0] == TORCH and int(csvs) > 0
    frozen = run_isolated([python, "-m", "pip", "freeze", "--all", "--exclude-editable"]).stdout
    installed = dict(re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", frozen, re.M))
    installed = {canonicalize_name(n): v.split("+")[0] for n, v in installed.items()}
    assert {name: installed.get(name) for name in _lock()} == _lock()


# --- CITATION.cff -------------------------------------------------------------------------------


def test_citation_names_this_project_and_the_paper() -> None:
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["cff-version"] == "1.2.0"
    assert citation["title"].startswith(PROJECT["name"])
    assert citation["version"] == PROJECT["version"]
    assert citation["repository-code"] == REPOSITORY
    assert citation["license"] == PROJECT["license"]["text"]
    papers = [ref for ref in citation["references"] if "Meta-RL" in ref["title"]]
    assert len(papers) == 1
    authors = {author["family-names"] for author in papers[0]["authors"]}
    assert authors == {"Gerstgrasser", "Parkes"}
