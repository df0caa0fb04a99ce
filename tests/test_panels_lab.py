"""A panel is a live widget in JupyterLab: what the reader does in it, Python sees, and back.

A real JupyterLab server (127.0.0.1, no token) serves a temporary folder holding a small notebook
that makes the game panel. Headless Chromium, driven by Playwright (the Debian browser, nothing
downloaded), opens it and runs the panel's cell, types a payoff into the panel, and runs the next
cell, which writes what Python reads from the widget to a file; then a cell sets traits from Python
and the panel must redraw; then the panel's train button trains the method in the kernel and the
panel draws its curve. The browser resolves no host but 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from conftest import CHROMIUM_FLAGS, ROOT, SCREENSHOTS
from playwright.sync_api import sync_playwright

pytestmark = pytest.mark.slow  # starts JupyterLab, a kernel and Chromium, and trains

CELLS = [
    # 1: the panel (its training kept tiny: two leader updates)
    'from stackmeta_lite.display import panels\n\npanel = panels.game_explorer("prisoners_dilemma")'
    "\npanel.train_iterations = 2\npanel",
    # 2: what Python sees
    "import json, pathlib\n\npathlib.Path('seen.json').write_text(json.dumps("
    "{'cells': panel.cells, 'game': panel.game, 'ties': panel.ties}))",
    # 3: Python writes
    "panel.game = 'chicken'\npanel.ties = 'weak'",
]
# Playwright starts its own headless mode; the rest of the flags keep the browser offline.
FLAGS = [f for f in CHROMIUM_FLAGS if f != "--headless" and not f.startswith("--virtual-time")]
TIMEOUT_MS = 120_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def lab(tmp_path: Path):
    """JupyterLab on a free port of 127.0.0.1 serving ``tmp_path/work``; yield (url, folder)."""
    work = tmp_path / "work"
    work.mkdir()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, work / "panel.ipynb")
    # No news prompt (and no news fetched): the reader's answer, in the user settings.
    settings = tmp_path / "settings"
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    notification = (
        settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    )
    notification.write_text(json.dumps({"fetchNews": "false"}))
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),  # the kernel imports this checkout
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),  # no user settings
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
    }
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",  # CI runs as root
            "--LabApp.extension_manager=readonly",  # no PyPI queries
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--ServerApp.root_dir={work}",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=2)
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "lab.log").read_text()[-3000:]
                assert time.monotonic() < deadline, "JupyterLab did not start in 120 s"
                time.sleep(0.5)
        yield url, work
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def run_cell(page, index: int) -> None:
    """Select code cell ``index`` and run it as a reader does (Shift+Enter); wait until it ran."""
    cell = page.locator(".jp-Notebook .jp-CodeCell").nth(index)
    cell.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    cell.locator(".jp-InputPrompt", has_text=re.compile(r"\[\d+\]")).wait_for()


def test_a_payoff_typed_in_the_panel_reaches_python_and_back(lab, chromium: str) -> None:
    url, work = lab
    started = time.monotonic()
    errors: list[str] = []
    console: list[str] = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 2400})
            page.set_default_timeout(TIMEOUT_MS)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
            page.goto(f"{url}/lab/tree/panel.ipynb")
            page.get_by_text(re.compile(r"Python 3 \(ipykernel\) \| Idle")).wait_for()
            run_cell(page, 0)

            # The widget view (the train button is there only with a kernel), not the HTML output.
            panel = page.locator(".jp-OutputArea .smeta-panel").first
            panel.locator("button[data-action='train']").wait_for()
            assert "3.10 per step" in panel.locator(".smeta-value").inner_text()
            panel.locator("input[data-cell='3'][data-who='0']").fill("7")  # leader payoff at DD
            value = panel.locator(".smeta-value")
            page.wait_for_function(
                "el => !el.textContent.includes('3.10 per step')", arg=value.element_handle()
            )

            seen = work / "seen.json"
            run_cell(page, 1)
            deadline = time.monotonic() + 60
            while not seen.exists() and time.monotonic() < deadline:
                time.sleep(0.2)
            assert seen.exists(), f"the second cell did not run; page errors: {errors}"
            python = json.loads(seen.read_text())
            assert python["cells"][3] == [7.0, 2.0] and python["game"] == "custom"
            assert python["cells"][:3] == [[3.0, 3.0], [1.0, 4.0], [4.0, 1.0]]

            run_cell(page, 2)  # Python picks chicken and weak ties: the panel redraws
            panel.locator("input[data-key='ties'][value='weak']:checked").wait_for()
            assert panel.locator("select[data-key='game']").input_value() == "chicken"
            dd_follower = panel.locator("input[data-cell='3'][data-who='1']")
            assert dd_follower.input_value() == "1"
            assert "weak tie-breaking" in panel.locator(".smeta-value").inner_text()

            panel.locator("button[data-action='train']").click()  # only a kernel can do this
            # A flat curve has no height, so wait for it to be drawn, not to be visible.
            panel.locator(".smeta-train svg polyline").first.wait_for(state="attached")
            assert panel.locator(".smeta-train svg polyline").count() == 3  # leader, 2 optima
            status = panel.locator(".smeta-status").inner_text()
            assert "2 leader updates" in status and "optimum" in status, status
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            panel.screenshot(path=SCREENSHOTS / "panel_jupyterlab.png")
        except Exception:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / "panel_jupyterlab_failed.png", full_page=True)
            print("page errors:", errors, "\nconsole:", "\n".join(console[-30:]))
            raise
        finally:
            browser.close()
    assert not errors, errors
    (SCREENSHOTS / "panel_jupyterlab.json").write_text(
        json.dumps({"seconds": round(time.monotonic() - started, 1)})
    )
