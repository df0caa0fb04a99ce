"""Where a result came from: the package's version, the git commit of the checkout it runs from
(when it runs from one), Python, the platform and the versions of the libraries that compute it.

Every CSV the package writes gets a sidecar ``<file>.provenance.json`` (the CSV itself stays plain
for pandas), and every run a ``RunStore`` saves carries the same record.
"""

from __future__ import annotations

import functools
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

DISTRIBUTION = "stackmeta-lite"
LIBRARIES = ("numpy", "torch", "pandas", "gymnasium")
"""The libraries whose versions change results."""
SOURCE = Path(__file__).resolve().parents[2]
"""The folder holding the package: a git checkout when it runs from one."""


def installed_version(distribution: str) -> str | None:
    """The installed version of ``distribution``, or None when it is not installed."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def package_version() -> str:
    """stackmeta-lite's version; ``0+unknown`` when it runs from a tree pip never installed."""
    return installed_version(DISTRIBUTION) or "0+unknown"


def git_commit(folder: Path = SOURCE) -> str | None:
    """The commit checked out in ``folder`` (with ``-dirty`` when tracked files changed), or None
    when ``folder`` is no checkout's top (an installed package) or git is missing."""
    if not (folder / ".git").exists():
        return None
    try:
        commit = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "-C", str(folder), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{commit}-dirty" if changed else commit


@functools.cache
def provenance() -> dict[str, str | None]:
    """The record (computed once per process): versions, commit, Python and platform."""
    return {
        "stackmeta_lite": package_version(),
        "commit": git_commit(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        **{library: installed_version(library) for library in LIBRARIES},
    }
