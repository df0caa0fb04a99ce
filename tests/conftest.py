"""Shared test setup: torch on one thread, and the built book served to headless Chromium.

The book fixtures build the whole book once per session through book/build.py (the same script
`make book` runs), on the budget in STACKMETA_BUDGET (`ci` when unset), serve it on 127.0.0.1 and
open pages in headless Chromium with every other host unresolvable. Any test file can use them.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
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


def inspect_page(
    chromium: str, url: str, script: str, profile: Path, settle_ms: int = 3000
) -> tuple[list[str], object]:
    """Open ``url`` in headless Chromium, driven over the DevTools protocol (a pipe, no port);
    after the load event and ``settle_ms`` more, evaluate the JavaScript expression ``script``.

    Return the page's console errors (uncaught exceptions, ``console.error`` calls and
    browser-logged errors such as a failed image load) and the value of ``script``."""
    to_browser, from_test = os.pipe()
    to_test, from_browser = os.pipe()

    def wire_pipes() -> None:  # Chromium reads commands on fd 3 and answers on fd 4
        os.dup2(to_browser, 3)
        os.dup2(from_browser, 4)

    flags = [f for f in CHROMIUM_FLAGS if not f.startswith("--virtual-time-budget")]
    proc = subprocess.Popen(
        [chromium, *flags, "--remote-debugging-pipe", f"--user-data-dir={profile}"],
        pass_fds=(3, 4),  # after wire_pipes: keep exactly these open
        preexec_fn=wire_pipes,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(to_browser)
    os.close(from_browser)
    writer, reader = os.fdopen(from_test, "wb"), os.fdopen(to_test, "rb")
    pending = b""
    errors: list[str] = []
    counter = iter(range(1, 10**9))

    def receive() -> dict:
        nonlocal pending
        while b"\0" not in pending:
            chunk = reader.read1(65536)
            assert chunk, f"chromium closed the DevTools pipe on {url}"
            pending += chunk
        message, pending = pending.split(b"\0", 1)
        event = json.loads(message)
        params = event.get("params", {})
        if event.get("method") == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            errors.append(details.get("exception", {}).get("description") or details["text"])
        elif event.get("method") == "Runtime.consoleAPICalled" and params["type"] == "error":
            errors.append(
                " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
            )
        elif event.get("method") == "Log.entryAdded" and params["entry"]["level"] == "error":
            errors.append(f"{params['entry']['text']} ({params['entry'].get('url', '')})")
        return event

    def call(method: str, session: str | None = None, **params: object) -> dict:
        number = next(counter)
        message = {"id": number, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        writer.write(json.dumps(message).encode() + b"\0")
        writer.flush()
        while True:
            event = receive()
            if event.get("id") == number:
                assert "error" not in event, f"{method}: {event['error']}"
                return event["result"]

    try:
        target = call("Target.createTarget", url="about:blank")["targetId"]
        session = call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            call(f"{domain}.enable", session)
        call("Page.navigate", session, url=url)
        while receive().get("method") != "Page.loadEventFired":
            pass
        deadline = time.monotonic() + settle_ms / 1000
        while time.monotonic() < deadline:  # let deferred scripts run, collecting their errors
            call("Runtime.evaluate", session, expression="0")
            time.sleep(0.2)
        value = call("Runtime.evaluate", session, expression=script, returnByValue=True)
        assert "exceptionDetails" not in value, f"the check script failed: {value}"
        call("Browser.close")
        return errors, value["result"].get("value")
    finally:
        writer.close()
        reader.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
