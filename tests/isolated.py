"""Running commands in fresh environments: one helper for the tests that build venvs."""

from __future__ import annotations

import os
import subprocess

CLEAN_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
"""The environment of a venv's processes: nothing points them back at this checkout."""


def run_isolated(cmd: list, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run ``cmd`` without PYTHONPATH (plus ``env``) and assert it succeeded, showing its output's
    tail."""
    proc = subprocess.run(
        [str(c) for c in cmd],
        capture_output=True,
        text=True,
        env={**CLEAN_ENV, **(env or {})},
        **kwargs,
    )
    assert proc.returncode == 0, f"{cmd[:5]} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-3000:]}"
    return proc
