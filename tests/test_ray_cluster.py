"""`benchmark --backend ray` joins an existing Ray cluster, named by --address or RAY_ADDRESS.

A real head node runs for the module (`ray start --head --block` on 127.0.0.1, in its own process
group and temporary folder, stopped by signalling that group afterwards). The command line runs in
a subprocess, as a user runs it, and must report that cluster and compute what a serial run does.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from stackmeta_lite.experiments.backends import connect_ray
from stackmeta_lite.experiments.sweep import run_sweep

GAMES, SEEDS = "hero", "0,1"  # two runs, so the sweep really goes through Ray
START_TIMEOUT = 120

pytestmark = pytest.mark.slow  # starts a Ray cluster


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ray_env() -> dict[str, str]:
    """Ray on loopback only (no outward node address), without token auth or usage stats."""
    env = dict(os.environ, RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0", RAY_AUTH_MODE="disabled")
    env["RAY_USAGE_STATS_ENABLED"] = "0"
    env.pop("RAY_ADDRESS", None)
    return env


@pytest.fixture(scope="module")
def ray_head() -> Iterator[str]:
    """A one-CPU Ray head on 127.0.0.1; yields its address host:port."""
    ray = Path(sys.executable).with_name("ray")
    port = _free_port()
    # Ray's socket paths must stay short: a fresh folder directly under /tmp.
    temp = tempfile.mkdtemp(prefix="ray", dir="/tmp")
    cmd = [str(ray), "start", "--head", "--block", "--node-ip-address=127.0.0.1"]
    cmd += [f"--port={port}", "--num-cpus=1", "--include-dashboard=false"]
    cmd += ["--disable-usage-stats", f"--temp-dir={temp}"]
    log = Path(temp) / "head.log"
    with log.open("w") as out:
        head = subprocess.Popen(
            cmd, env=_ray_env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while "Ray runtime started" not in log.read_text(errors="replace"):
            assert head.poll() is None, f"ray start failed:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"no Ray head after {START_TIMEOUT} s"
            time.sleep(1)
        yield f"127.0.0.1:{port}"
    finally:
        # Stop the head and every process it started (its own process group), gently first.
        os.killpg(head.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            head.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(head.pid, signal.SIGKILL)
        head.wait(timeout=30)
        shutil.rmtree(temp, ignore_errors=True)


@pytest.fixture(scope="module")
def serial() -> pd.DataFrame:
    """The same runs in this process, through the CSV the command line writes."""
    table = run_sweep([GAMES], [0, 1], backend="serial", progress=False)
    return pd.read_csv(io.StringIO(table.to_csv(index=False)))


def _benchmark(extra: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "stackmeta_lite", "benchmark", "--games", GAMES]
    cmd += ["--seeds", SEEDS, "--backend", "ray", *extra]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)


def test_address_option_joins_the_cluster(ray_head: str, serial: pd.DataFrame) -> None:
    proc = _benchmark(["--address", ray_head], _ray_env())
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"Ray cluster: {ray_head}" in proc.stderr
    pd.testing.assert_frame_equal(pd.read_csv(io.StringIO(proc.stdout)), serial)


def test_ray_address_variable_joins_the_cluster(ray_head: str, serial: pd.DataFrame) -> None:
    proc = _benchmark([], dict(_ray_env(), RAY_ADDRESS=ray_head))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"Ray cluster: {ray_head}" in proc.stderr
    pd.testing.assert_frame_equal(pd.read_csv(io.StringIO(proc.stdout)), serial)


def test_address_without_the_ray_backend_is_refused() -> None:
    cmd = [sys.executable, "-m", "stackmeta_lite", "benchmark", "--backend", "serial"]
    proc = subprocess.run(
        [*cmd, "--address", "127.0.0.1:6379"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2
    assert "--address needs --backend ray, got --backend serial" in proc.stderr


@pytest.mark.parametrize("address", ["", "   ", 6379])
def test_connect_ray_refuses_a_malformed_address(address) -> None:
    with pytest.raises(ValueError, match="address must be a Ray address"):
        connect_ray(address)
