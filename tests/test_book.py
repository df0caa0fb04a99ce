"""The book builds with warnings as errors, and its pages render in a browser without network.

The session fixture builds the whole book through book/build.py (the same script `make book` runs),
on the budget in STACKMETA_BUDGET (`ci` when unset). Each page is then opened in headless Chromium,
served from 127.0.0.1, with every other host made unresolvable. The checks read the DOM after the
page's JavaScript ran (`--dump-dom`); a screenshot of each page goes to book/_build/screenshots/.
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
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
SCREENSHOTS = BOOK / "_build" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")

# Chapters whose page must show live widget controls (rendered from the embedded widget state).
WIDGET_CHAPTERS = ["01_markov_games", "02_stackelberg", "04_meta_follower"]

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

# What a failed cell leaves in a myst-nb page: an error output, a traceback, text on stderr, or a
# widget that the embedder could not render.
ERROR_MARKERS = {
    "error output": re.compile(r'class="[^"]*\boutput (?:error|traceback)\b'),
    "stderr output": re.compile(r'class="[^"]*\boutput stderr\b'),
    "traceback": re.compile(r"Traceback \(most recent call last\)"),
    "widget error": re.compile(r"jupyter-widgets-error-widget"),
}


def _toc_files() -> list[str]:
    """Every file named in book/_toc.yml, in order, without suffix (e.g. notebooks/01_x)."""
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return files


def _build_module():
    """book/build.py as a module: the test asks it where each budget's site is built."""
    spec = importlib.util.spec_from_file_location("book_build", BOOK / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOC_FILES = _toc_files()
CHAPTERS = [f.removeprefix("notebooks/") for f in TOC_FILES if f.startswith("notebooks/")]


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


@pytest.fixture(scope="session")
def render(server: str, chromium: str) -> Iterator:
    """Open a page in headless Chromium once; return its DOM after scripts ran (cached)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    profiles = Path(tempfile.mkdtemp(prefix="chromium-"))
    cache: dict[str, str] = {}

    def _render(page: str) -> str:
        if page not in cache:
            shot = SCREENSHOTS / (page.replace("/", "__") + ".png")
            shot.unlink(missing_ok=True)
            proc = subprocess.run(
                [
                    chromium,
                    *CHROMIUM_FLAGS,
                    f"--user-data-dir={profiles / str(len(cache))}",
                    f"--screenshot={shot}",
                    "--dump-dom",
                    f"{server}/{page}.html",
                ],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert proc.returncode == 0, f"chromium failed on {page}:\n{proc.stderr[-3000:]}"
            assert shot.is_file() and shot.stat().st_size > 0, f"no screenshot of {page}"
            cache[page] = proc.stdout
        return cache[page]

    yield _render
    shutil.rmtree(profiles, ignore_errors=True)


def test_toc_lists_chapters() -> None:
    assert CHAPTERS, "book/_toc.yml names no notebooks/ chapter"
    for name in WIDGET_CHAPTERS:
        assert name in CHAPTERS, f"widget chapter {name} is not in book/_toc.yml"


@pytest.mark.parametrize("page", TOC_FILES)
def test_page_exists(html_dir: Path, page: str) -> None:
    if page.startswith("notebooks/"):
        assert (ROOT / f"{page}.ipynb").is_file(), f"{page}.ipynb is in the toc but not in the repo"
    assert (html_dir / f"{page}.html").is_file(), f"{page}.html was not built"


@pytest.mark.parametrize("page", TOC_FILES)
def test_page_loads_no_remote_script(html_dir: Path, page: str) -> None:
    html = (html_dir / f"{page}.html").read_text()
    remote = re.findall(r'<script[^>]*\ssrc="((?:https?:)?//[^"]+)"', html)
    remote += re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="((?:https?:)?//[^"]+)"', html)
    assert not remote, f"{page} loads from the network: {remote}"


@pytest.mark.parametrize("page", TOC_FILES)
def test_page_has_no_error_output(render, page: str) -> None:
    dom = render(page)
    found = [label for label, pattern in ERROR_MARKERS.items() if pattern.search(dom)]
    assert not found, f"{page} shows {', '.join(found)} (see book/_build/screenshots/)"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_has_figure(html_dir: Path, render, chapter: str) -> None:
    dom = render(f"notebooks/{chapter}")
    images = re.findall(r'<img[^>]*\ssrc="([^"]+\.png)"', dom)
    assert images, f"{chapter} has no PNG figure"
    for src in images:
        path = (html_dir / "notebooks" / src).resolve()
        assert path.is_file() and path.stat().st_size > 0, f"{chapter}: {src} is missing or empty"


@pytest.mark.parametrize("chapter", WIDGET_CHAPTERS)
def test_widget_chapter_renders_controls(render, chapter: str) -> None:
    dom = render(f"notebooks/{chapter}")
    assert "application/vnd.jupyter.widget-state+json" in dom, (
        f"{chapter}: no widget state embedded (did the notebook display a widget?)"
    )
    views = dom.count('type="application/vnd.jupyter.widget-view+json"')
    assert views, f"{chapter}: no widget view in the page"
    # The embedder puts each view's DOM after its script tag: lumino widgets with these classes.
    rendered = re.findall(r'class="lm-Widget[^"]*\bjupyter-widgets\b[^"]*"', dom)
    controls = [c for c in rendered if re.search(r"\bwidget-(?!box|container|vbox|hbox)", c)]
    assert controls, f"{chapter}: {views} widget view(s) but no control rendered by the embedder"
