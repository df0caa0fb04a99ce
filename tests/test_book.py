"""The book builds with warnings as errors, and its pages render in a browser without network.

The session fixtures in conftest.py build the whole book through book/build.py (the same script
`make book` runs) and open each page in headless Chromium, served from 127.0.0.1, with every other
host made unresolvable. The checks read the DOM after the page's JavaScript ran (`--dump-dom`); a
screenshot of each page goes to book/_build/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"

# Chapters whose page must show a live panel (stackmeta_lite.widgets, rendered by panels.js).
PANEL_CHAPTERS = ["01_markov_games", "02_stackelberg", "04_meta_follower"]

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


TOC_FILES = _toc_files()
CHAPTERS = [f.removeprefix("notebooks/") for f in TOC_FILES if f.startswith("notebooks/")]


def test_toc_lists_chapters() -> None:
    assert CHAPTERS, "book/_toc.yml names no notebooks/ chapter"
    for name in PANEL_CHAPTERS:
        assert name in CHAPTERS, f"panel chapter {name} is not in book/_toc.yml"


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


@pytest.mark.parametrize("chapter", PANEL_CHAPTERS)
def test_panel_chapter_renders_controls(render, chapter: str) -> None:
    dom = render(f"notebooks/{chapter}")
    # panels.js stamps each panel it drew with the milliseconds its first view took.
    panels = re.findall(
        r'<div id="smeta-panel-[^"]*" class="smeta-panel" data-kind="[^"]*"[^>]*>', dom
    )
    assert panels, f"{chapter}: no panel in the page (did the notebook display one?)"
    drawn = [p for p in panels if "data-millis=" in p]
    assert drawn, f"{chapter}: {len(panels)} panel(s) but none drawn by panels.js"
    assert re.search(r"<select[^>]*data-key=", dom), f"{chapter}: the panel shows no controls"
