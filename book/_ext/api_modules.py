"""Sphinx extension: fill the API page with every module of the package, found at build time.

book/api.md holds the placeholder line ``{api-modules}``; this extension replaces it with one
section per module of ``stackmeta_lite`` (an ``automodule`` of its public members), so a module
added to the package appears in the book without editing the page.
"""

from __future__ import annotations

import importlib
import pkgutil

PACKAGE = "stackmeta_lite"
PLACEHOLDER = "{api-modules}"


def module_names() -> list[str]:
    """The package's modules, sorted, without command-line entry points (``__main__``)."""
    package = importlib.import_module(PACKAGE)
    names = [PACKAGE] + [
        info.name for info in pkgutil.walk_packages(package.__path__, f"{PACKAGE}.")
    ]
    return sorted(name for name in names if not name.endswith("__main__"))


def _section(name: str) -> str:
    return f"## `{name}`\n\n```{{eval-rst}}\n.. automodule:: {name}\n   :members:\n```\n"


def _fill(app, docname: str, source: list[str]) -> None:
    if PLACEHOLDER in source[0]:
        sections = "\n".join(_section(name) for name in module_names())
        source[0] = source[0].replace(PLACEHOLDER, sections)


def setup(app) -> dict:
    app.connect("source-read", _fill)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
