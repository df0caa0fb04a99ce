"""The book builds with warnings as errors, and its pages render in a browser without network.

The session fixtures in conftest.py build the whole book through book/build.py (the same script
`make book` runs) and open each page in headless Chromium, served from 127.0.0.1, with every other
host made unresolvable. The checks read the DOM after the page's JavaScript ran (`--dump-dom`); a
screenshot of each page goes to book/_build/screenshots/.

Besides rendering, the checks hold every chapter to the book's conventions: the (hidden) Colab
install cell first, glue and assert lines never on a page, every figure the code draws on the page
with a number and a caption, no console error and nothing wider than the column, Binder and Colab
launch buttons, numbered exercises with dropdown solutions
(sphinx-exercise), definitions and propositions rendered (sphinx-proof), numbers in the prose
glued from the computation (myst-nb), and an API page with real content.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import typing
from pathlib import Path

import pytest
import yaml
from conftest import inspect_page
from matplotlib.figure import Figure

from stackmeta_lite.display import plotting

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CONFIG = yaml.safe_load((BOOK / "_config.yml").read_text())

# The first code cell of every chapter, exactly: on Colab it installs the package with the readers'
# extra (what the chapters import); anywhere else it does nothing. It is hidden from the page.
COLAB_INSTALL_CELL = """\
# On Google Colab, install the book's package and what the chapters import; elsewhere this cell
# does nothing.
import sys

if "google.colab" in sys.modules:
    %pip install --quiet "stackmeta-lite[readers] @ git+https://github.com/stackmeta-lite/stackmeta-lite\"\
"""

# Lines that are plumbing, not teaching: they must never show on a page.
PLUMBING = re.compile(r"^\s*(?:assert\b|glue\(|%pip\b|pd\.testing\.assert_)", re.M)
HIDDEN_TAGS = {"remove-cell", "remove-input"}

# Chapters whose page must show a live panel (stackmeta_lite.display.panels, rendered by panels.js).
PANEL_CHAPTERS = ["01_markov_games", "02_stackelberg", "04_meta_follower", "07_beyond_2x2"]

# What a failed cell leaves in a myst-nb page: an error output, a traceback, text on stderr, or a
# widget that the embedder could not render.
ERROR_MARKERS = {
    "error output": re.compile(r'class="[^"]*\boutput (?:error|traceback)\b'),
    "stderr output": re.compile(r'class="[^"]*\boutput stderr\b'),
    "traceback": re.compile(r"Traceback \(most recent call last\)"),
    "widget error": re.compile(r"jupyter-widgets-error-widget"),
}

pytestmark = pytest.mark.slow  # builds the book and drives Chromium


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


def _code_cells(chapter: str) -> list[dict]:
    return [c for c in _notebook(chapter)["cells"] if c["cell_type"] == "code"]


def figures_drawn(chapter: str) -> int:
    """How many figures the chapter's code draws: its calls of the `plotting` functions that
    return a matplotlib Figure."""
    drawing = {
        name
        for name, function in vars(plotting).items()
        if callable(function)
        and getattr(function, "__module__", "").startswith(plotting.__name__)
        and typing.get_type_hints(function).get("return") is Figure
    }
    count = 0
    for cell in _code_cells(chapter):
        source = re.sub(r"^(\s*)[%!].*$", r"\1pass", "".join(cell["source"]), flags=re.M)
        for node in ast.walk(ast.parse(source)):
            func = getattr(node, "func", None)
            if (
                isinstance(node, ast.Call)
                and isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "plotting"
                and func.attr in drawing
            ):
                count += 1
    return count


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_figure_the_chapter_draws_is_on_its_page_numbered(
    html_dir: Path, render, chapter: str
) -> None:
    """A figure the code draws but the page lacks (e.g. dropped by the inline backend) fails."""
    expected = figures_drawn(chapter)
    assert expected, f"{chapter} draws no figure"
    dom = render(f"notebooks/{chapter}")
    images = re.findall(r'<img[^>]*\ssrc="([^"]*_images/[^"]+\.png)"', dom)
    assert len(images) == expected, (
        f"{chapter} draws {expected} figures, its page shows {len(images)}"
    )
    for src in images:
        path = (html_dir / "notebooks" / src).resolve()
        assert path.is_file() and path.stat().st_size > 0, f"{chapter}: {src} is missing or empty"
    numbered = re.findall(r'class="caption-number">Figure (\d+)', dom)
    assert len(numbered) == expected, (
        f"{chapter}: {len(numbered)} numbered captions, {expected} figures"
    )


def test_figure_count_sees_the_plotting_calls() -> None:
    """The count behind the figure test reads the chapters' real plotting calls."""
    assert figures_drawn("01_markov_games") == 1  # the payoff grid
    assert figures_drawn("02_stackelberg") == 2  # commitment curves, solution concepts


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_plumbing_is_hidden_by_cell_tags(chapter: str) -> None:
    """glue, assert and install lines sit only in cells whose input the page leaves out."""
    for index, cell in enumerate(_code_cells(chapter)):
        source = "".join(cell["source"])
        tags = set(cell.get("metadata", {}).get("tags", []))
        if PLUMBING.search(source):
            assert tags & HIDDEN_TAGS, f"{chapter}, code cell {index} shows plumbing:\n{source}"


@pytest.mark.parametrize("page", TOC_FILES)
def test_no_plumbing_line_on_the_page(render, page: str) -> None:
    dom = render(page)
    for block in re.findall(r"<pre[^>]*>(.*?)</pre>", dom, re.S):
        text = re.sub(r"<[^>]+>", "", block).replace("&quot;", '"').replace("&#39;", "'")
        found = PLUMBING.search(text)
        assert not found, f"{page} shows a plumbing line: {found.group(0)!r}"


# What the browser check measures on every page, in the page itself: elements that run past the
# content column with no scrolling ancestor, and each image (loaded? shown at what scale?).
LAYOUT_SCRIPT = """(() => {
  const article = document.querySelector("article.bd-article") || document.querySelector("main");
  const column = article.getBoundingClientRect();
  const scrolls = (element) => {
    for (let e = element.parentElement; e && e !== article; e = e.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(e).overflowX)) return true;
    }
    return false;
  };
  const wide = [];
  for (const element of article.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > column.right + 1 && !scrolls(element)) {
      const by = Math.round(box.right - column.right);
      wide.push(`${element.tagName}.${element.className} by ${by} px`);
    }
  }
  const images = [...article.querySelectorAll("img")].map((img) => ({
    src: img.getAttribute("src"),
    loaded: img.complete && img.naturalWidth > 0,
    scale: img.getBoundingClientRect().width / (img.naturalWidth || 1),
  }));
  return {wide: wide.slice(0, 10), images, column: column.width};
})()"""


@pytest.mark.parametrize("page", TOC_FILES)
def test_page_in_the_browser(server: str, chromium: str, tmp_path: Path, page: str) -> None:
    """At 1280 px: no console error, nothing wider than the content column unless it scrolls,
    every image loaded and shown at (nearly) its own size, so no figure text shrinks."""
    errors, layout = inspect_page(chromium, f"{server}/{page}.html", LAYOUT_SCRIPT, tmp_path)
    assert not errors, f"{page}: console errors {errors}"
    assert not layout["wide"], (
        f"{page}: wider than the {layout['column']} px column: {layout['wide']}"
    )
    for image in layout["images"]:
        assert image["loaded"], f"{page}: {image['src']} did not load"
        if "_images/" in image["src"]:  # a figure the chapter computed
            assert image["scale"] >= 0.95, f"{page}: {image['src']} shrunk to {image['scale']:.2f}"


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


# --- conventions: Colab cell, launch buttons, exercises, definitions, glue, API page -----------


def _notebook(chapter: str) -> dict:
    return json.loads((ROOT / "notebooks" / f"{chapter}.ipynb").read_text())


def _markdown(page: str) -> str:
    """A page's MyST markdown: the markdown cells of a chapter, or the .md file."""
    if page.startswith("notebooks/"):
        cells = _notebook(page.removeprefix("notebooks/"))["cells"]
        return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return (BOOK / f"{page}.md").read_text()


def _directives(markdown: str, name: str) -> int:
    """How many ```{name} (or :::{name}) directives the markdown opens."""
    return len(re.findall(rf"^\s*(?:`{{3,}}|:{{3,}})\{{{re.escape(name)}\}}", markdown, re.M))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_first_code_cell_installs_the_package_on_colab(chapter: str) -> None:
    code = _code_cells(chapter)
    assert code and "".join(code[0]["source"]) == COLAB_INSTALL_CELL, (
        f"{chapter}: the first code cell must be the Colab install cell, exactly"
    )
    assert "remove-cell" in code[0]["metadata"].get("tags", []), f"{chapter}: install cell shown"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_has_binder_and_colab_launch_buttons(html_dir: Path, chapter: str) -> None:
    html = (html_dir / "notebooks" / f"{chapter}.html").read_text()
    repo = CONFIG["repository"]["url"].removeprefix("https://github.com/").rstrip("/")
    branch = CONFIG["repository"]["branch"]
    launch = CONFIG["launch_buttons"]
    binder = f"{launch['binderhub_url']}/v2/gh/{repo}/{branch}?urlpath=lab/tree/notebooks/"
    colab = f"{launch['colab_url']}/github/{repo}/blob/{branch}/notebooks/"
    assert f'href="{binder}{chapter}.ipynb"' in html, f"{chapter}: no Binder launch button"
    assert f'href="{colab}{chapter}.ipynb"' in html, f"{chapter}: no Colab launch button"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_exercises_are_numbered_with_dropdown_solutions(render, chapter: str) -> None:
    markdown = _markdown(f"notebooks/{chapter}")
    # Plain or gated (exercise-start ... exercise-end) directives.
    exercises = _directives(markdown, "exercise") + _directives(markdown, "exercise-start")
    solutions = _directives(markdown, "solution") + _directives(markdown, "solution-start")
    assert exercises >= 1, f"{chapter} has no sphinx-exercise exercise"
    dom = render(f"notebooks/{chapter}")
    # sphinx-exercise numbers exercises through the whole book: consecutive within a chapter.
    numbers = [int(n) for n in re.findall(r'class="caption-number">Exercise (\d+)', dom)]
    first = numbers[0] if numbers else 1
    assert numbers == list(range(first, first + exercises)), f"{chapter}: exercises {numbers}"
    dropdowns = re.findall(r'class="solution dropdown\b', dom)
    assert len(dropdowns) == solutions >= 1, f"{chapter}: {len(dropdowns)} solution dropdowns"


@pytest.mark.parametrize("page", TOC_FILES)
def test_definitions_and_propositions_render(render, page: str) -> None:
    markdown = _markdown(page)
    kinds = set(re.findall(r"^\s*(?:`{3,}|:{3,})\{prf:(\w+)\}", markdown, re.M))
    dom = render(page)
    for kind in kinds:
        css = "proof admonition" if kind == "proof" else f"proof {kind} admonition"
        rendered = len(re.findall(rf'class="{css}"', dom))
        assert rendered == _directives(markdown, f"prf:{kind}"), f"{page}: {kind} not rendered"
    assert "{prf:" not in re.sub(r"<[^>]+>", "", dom), f"{page}: a prf directive or role unresolved"


def test_battle_of_the_sexes_states_definitions_and_propositions(render) -> None:
    dom = render("notebooks/03_battle_of_the_sexes")
    for kind in ("definition", "proposition"):
        assert re.search(rf'class="caption-number">{kind.title()} \d+', dom), kind


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_numbers_are_glued(render, chapter: str) -> None:
    markdown = _markdown(f"notebooks/{chapter}")
    roles = re.findall(r"\{glue(?::(\w*))?\}`", markdown)  # {glue}, {glue:text}, {glue:md}, ...
    assert roles, f"{chapter} quotes no number glued from its computation"
    glued_text = roles.count("text")  # each renders as one <span class="pasted-text">
    dom = render(f"notebooks/{chapter}")
    pasted = re.findall(r'<span class="pasted-text">([^<]*)</span>', dom)
    assert len(pasted) == glued_text, f"{chapter}: {glued_text} glue roles, {len(pasted)} pasted"
    assert all(value.strip() for value in pasted), f"{chapter}: an empty glued value"
    text = re.sub(r"<[^>]+>", "", dom)
    assert "{glue" not in text, f"{chapter}: a glue role is left unresolved"


def test_api_page_documents_every_module(html_dir: Path) -> None:
    spec = importlib.util.spec_from_file_location("api_modules", BOOK / "_ext" / "api_modules.py")
    api_modules = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(api_modules)
    assert "api" in TOC_FILES
    html = (html_dir / "api.html").read_text()
    modules = api_modules.module_names()
    missing = [name for name in modules if f'id="module-{name}"' not in html]
    assert not missing, f"the API page lacks {missing}"
    signatures = re.findall(r'<dt class="sig sig-object py" id="([^"]+)"', html)
    assert len(signatures) >= len(modules), f"only {len(signatures)} documented objects"
    assert "stackmeta_lite.games.solver.solve_iterated" in signatures
    assert "exact Stackelberg solution" in html  # the docstring, not only the signature


def test_hide_solutions_build_config(tmp_path: Path, monkeypatch) -> None:
    """`book/build.py --hide-solutions` builds from _config.yml with only hide_solutions on."""
    spec = importlib.util.spec_from_file_location("book_build", BOOK / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    monkeypatch.setattr(build, "output_dir", lambda budget: tmp_path / budget)
    hidden = yaml.safe_load(build.hide_solutions_config("ci").read_text())
    assert hidden["sphinx"]["config"].pop("hide_solutions") is True
    assert CONFIG["sphinx"]["config"].get("hide_solutions") is False
    for name, path in hidden["sphinx"].pop("local_extensions").items():
        assert Path(path).is_absolute() and (Path(path) / f"{name}.py").is_file()
    shown = yaml.safe_load((BOOK / "_config.yml").read_text())
    shown["sphinx"]["config"].pop("hide_solutions")
    shown["sphinx"].pop("local_extensions")
    assert hidden == shown
