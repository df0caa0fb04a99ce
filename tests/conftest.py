"""Shared test setup: torch on one thread, and the built book served to headless Chromium.

The book fixtures build the whole book once per session through book/build.py (the same script
`make book` runs), on the budget in STACKMETA_BUDGET (`ci` when unset), serve it on 127.0.0.1 and
open pages in headless Chromium with every other host unresolvable. Any test file can use them.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

# The models are tiny: one thread is fastest and keeps the tests from contending for the cores.
torch.set_num_threads(1)

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
SCREENSHOTS = BOOK / "_build" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Offline on any machine: only the local test server resolves.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--window-size=1280,1600",
    # Let deferred scripts (MathJax, the widget embedder) finish before the DOM is dumped.
    "--virtual-time-budget=10000",
]


def _build_module():
    """book/build.py as a module: the test asks it where each budget's site is built."""
    spec = importlib.util.spec_from_file_location("book_build", BOOK / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def html_dir() -> Path:
    """Build the book once per session (jupyter-book -W) and return its HTML folder."""
    budget = os.environ.get("STACKMETA_BUDGET", "ci")
    log = BOOK / "_build" / f"build-{budget}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.run(
            [sys.executable, str(BOOK / "build.py"), "--budget", budget],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, STACKMETA_BUDGET=budget),
        )
    if proc.returncode != 0:
        text = re.sub(r"\x1b\[[0-9;]*m", "", log.read_text(errors="replace"))
        lines = text.splitlines()
        problems = [line for line in lines if re.search(r"WARNING|ERROR|Error:", line)]
        summary = "\n".join(problems[:40] + ["..."] + lines[-40:])
        pytest.fail(f"book build failed (full log: {log}):\n{summary}", pytrace=False)
    html = _build_module().html_dir(budget)
    assert (html / "index.html").is_file(), f"no index.html in {html}"
    return html


@pytest.fixture(scope="session")
def server(html_dir: Path) -> Iterator[str]:
    """Serve the built site on a free port of 127.0.0.1; yield its base URL."""

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(QuietHandler, directory=str(html_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def chromium() -> str:
    """The browser. `make test` installs it; a missing browser fails, it never skips."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: run `make test` (installs it) or apt-get install chromium"
        )
    return str(CHROMIUM)


def dump_dom(
    chromium: str, url: str, shot: Path, profile: Path, flags: list[str] = CHROMIUM_FLAGS
) -> str:
    """Open ``url`` in headless Chromium with a fresh profile, save a screenshot to ``shot`` and
    return the DOM after the page's scripts ran; fail unless both worked."""
    shot.unlink(missing_ok=True)
    proc = subprocess.run(
        [
            chromium,
            *flags,
            f"--user-data-dir={profile}",
            f"--screenshot={shot}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"chromium failed on {url}:\n{proc.stderr[-3000:]}"
    assert shot.is_file() and shot.stat().st_size > 0, f"no screenshot of {url}"
    return proc.stdout


@pytest.fixture(scope="session")
def render(server: str, chromium: str) -> Iterator:
    """Open a page in headless Chromium once; return its DOM after scripts ran (cached)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    profiles = Path(tempfile.mkdtemp(prefix="chromium-"))
    cache: dict[str, str] = {}

    def _render(page: str) -> str:
        if page not in cache:
            shot = SCREENSHOTS / (page.replace("/", "__") + ".png")
            profile = profiles / str(len(cache))
            cache[page] = dump_dom(chromium, f"{server}/{page}.html", shot, profile)
        return cache[page]

    yield _render
    shutil.rmtree(profiles, ignore_errors=True)
