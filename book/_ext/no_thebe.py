"""Remove sphinx-thebe's scripts from every page.

Jupyter Book always loads sphinx-thebe, which adds an inline script declaring `THEBE_JS_URL` (a
CDN address) and the configuration of an unrelated example repository, even with the thebe
launch button off. The book has no live code, so its pages carry none of it (and no console
error from declaring `THEBE_JS_URL` twice).
"""

from __future__ import annotations

from sphinx.application import Sphinx


def _is_thebe(script: object) -> bool:
    filename = getattr(script, "filename", None) or ""
    body = (getattr(script, "attributes", None) or {}).get("body", "")
    return "thebe" in str(filename) or "THEBE_JS_URL" in body


def drop_thebe_scripts(app: Sphinx, *_args: object) -> None:
    """Remove thebe's scripts from the builder and the registry (after sphinx-thebe added them)."""
    if hasattr(app.builder, "script_files"):
        app.builder.script_files[:] = [s for s in app.builder.script_files if not _is_thebe(s)]
    app.registry.js_files[:] = [
        (filename, attrs)
        for filename, attrs in app.registry.js_files
        if "thebe" not in str(filename or "") and "THEBE_JS_URL" not in attrs.get("body", "")
    ]


def setup(app: Sphinx) -> dict:
    # sphinx-thebe adds its scripts on env-before-read-docs at the default priority (500).
    app.connect("env-before-read-docs", drop_thebe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
