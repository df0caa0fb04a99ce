"""Build the Jupyter Book: link the chapters, vendor MathJax, run jupyter-book.

`make book` and tests/test_book.py both call this script, so the two builds cannot drift.

- The chapters are the notebooks in the top-level notebooks/ folder. Sphinx only reads files under
  its source folder, so book/notebooks is made a symlink to ../notebooks (not committed).
- The built pages load no script from a CDN, so they work offline and in the headless test.
  MathJax 3 (its tex-mml-chtml component, TeX extensions and fonts) is installed once from npm into
  book/_build/npm and copied to book/_vendor/_static/mathjax/ (not committed), which _config.yml
  lists in `html_extra_path` (`mathjax_path`). Not book/_static/: Jupyter Book adds every .js file
  under _static to every page.
- The interactive panels need nothing vendored: a panel is a Jupyter widget in a live kernel, and
  its text/html output carries its state and the ES module stackmeta_lite/display/panels.js
  inline (see stackmeta_lite/display/panels.py), so the page that shows a panel has all it needs.
  _config.yml renders that output, not the widget view, so no page loads a widget embedder.
- `--hide-solutions` builds the book without the exercises' solutions (sphinx-exercise's
  `hide_solutions`), from a copy of _config.yml written next to the build output.
- The output folder depends on STACKMETA_BUDGET, because jupyter-cache keys on notebook content
  only: a `ci` run must never serve its small-budget outputs to a `full` build. `full` (the
  default) builds into book/_build/html; any other budget B into book/_build/B/_build/html.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

BOOK = Path(__file__).resolve().parent
ROOT = BOOK.parent

MATHJAX_VERSION = "3.2.2"
VENDOR_STATIC = BOOK / "_vendor" / "_static"
NPM_PREFIX = BOOK / "_build" / "npm"
# What tex-mml-chtml.js loads at run time: TeX extensions (autoload), fonts, menu, a11y.
MATHJAX_PARTS = ("tex-mml-chtml.js", "input", "output/chtml", "ui", "a11y")


def output_dir(budget: str) -> Path:
    """The folder jupyter-book writes `_build/` into for this budget."""
    return BOOK if budget == "full" else BOOK / "_build" / budget


def html_dir(budget: str) -> Path:
    """The built HTML site for this budget."""
    return output_dir(budget) / "_build" / "html"


def link_notebooks() -> None:
    """Make book/notebooks a symlink to ../notebooks, so the toc can name the chapters."""
    link = BOOK / "notebooks"
    if link.is_symlink():
        if os.readlink(link) == "../notebooks":
            return
        link.unlink()
    elif link.exists():
        raise SystemExit(
            f"{link} exists and is not a symlink: remove it, chapters live in notebooks/"
        )
    link.symlink_to("../notebooks", target_is_directory=True)


def vendor_js() -> None:
    """Install MathJax from npm (once) and copy it to _vendor/_static."""
    versions = f"mathjax@{MATHJAX_VERSION}\n"
    stamp = VENDOR_STATIC / "vendored-versions.txt"
    if stamp.is_file() and stamp.read_text() == versions:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm not found: Node.js and npm are needed to vendor the page JavaScript")
    NPM_PREFIX.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(NPM_PREFIX),
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            *versions.split(),
        ],
        check=True,
    )
    modules = NPM_PREFIX / "node_modules"
    tmp = VENDOR_STATIC.with_name("_static.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    es5 = modules / "mathjax" / "es5"
    (tmp / "mathjax").mkdir(parents=True)
    shutil.copy2(modules / "mathjax" / "LICENSE", tmp / "mathjax" / "LICENSE")
    for part in MATHJAX_PARTS:
        src, dst = es5 / part, tmp / "mathjax" / part
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)
    (tmp / stamp.name).write_text(versions)
    shutil.rmtree(VENDOR_STATIC, ignore_errors=True)
    tmp.rename(VENDOR_STATIC)


def prepare() -> None:
    """Everything the build needs besides jupyter-book: the chapters link and the vendored JS."""
    link_notebooks()
    vendor_js()


def hide_solutions_config(budget: str) -> Path:
    """A copy of _config.yml with sphinx-exercise's `hide_solutions` on; return its path."""
    import yaml

    config = yaml.safe_load((BOOK / "_config.yml").read_text())
    config["sphinx"]["config"]["hide_solutions"] = True
    # jupyter-book finds local extensions relative to the config file: make them absolute.
    extensions = config["sphinx"].get("local_extensions", {})
    config["sphinx"]["local_extensions"] = {k: str(BOOK / v) for k, v in extensions.items()}
    path = output_dir(budget) / "_build" / "_config.hide-solutions.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def build(budget: str, extra_args: list[str], hide_solutions: bool = False) -> Path:
    """Build the HTML book for `budget` with warnings as errors; return the HTML folder."""
    prepare()
    if hide_solutions:
        extra_args = ["--config", str(hide_solutions_config(budget)), *extra_args]
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    cmd = [
        str(jupyter_book),
        "build",
        str(BOOK),
        "--path-output",
        str(output_dir(budget)),
        "--builder",
        "html",
        "-W",
        "-n",
        "--keep-going",
        *extra_args,
    ]
    env = dict(os.environ, STACKMETA_BUDGET=budget)
    if subprocess.run(cmd, cwd=ROOT, env=env).returncode != 0:
        raise SystemExit(f"jupyter-book build failed (budget {budget}): see the warnings above")
    return html_dir(budget)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--budget",
        default=os.environ.get("STACKMETA_BUDGET", "full"),
        help="compute budget for the notebooks: ci or full (default: $STACKMETA_BUDGET or full)",
    )
    parser.add_argument("--prepare-only", action="store_true", help="link and vendor, no build")
    parser.add_argument(
        "--hide-solutions", action="store_true", help="leave the exercises' solutions out"
    )
    parser.add_argument("extra", nargs="*", help="more arguments for jupyter-book build")
    args = parser.parse_args()
    if args.prepare_only:
        prepare()
        return
    print(build(args.budget, args.extra, args.hide_solutions))


if __name__ == "__main__":
    main()
