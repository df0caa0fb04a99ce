"""Output files that survive faults: atomic writes of text and CSV tables.

``write_atomic`` writes a temporary file next to the target, flushes it to disk, then renames it
over the target, so a reader (or a rerun after a crash) sees the old file or the whole new one,
never a truncated one. A CSV records where it came from
(:mod:`stackmeta_lite.common.provenance`) in a sidecar ``<file>.provenance.json``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pandas as pd

from stackmeta_lite.common.provenance import provenance


@contextmanager
def atomic_file(path: str | Path, mode: str = "w") -> Iterator[IO]:
    """An open temporary file next to ``path`` ("w": UTF-8 text, "wb": bytes) that replaces
    ``path`` only when the block ends without an exception; otherwise it is removed."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        text = {"encoding": "utf-8", "newline": ""} if "b" not in mode else {}
        with os.fdopen(handle, mode, **text) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename."""
    with atomic_file(path) as file:
        file.write(text)
    return Path(path)


def write_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Write ``table`` as CSV (no index, floats in full precision) atomically, and its provenance
    next to it (``provenance_path``)."""
    write_atomic(path, table.to_csv(index=False))
    write_atomic(provenance_path(path), json.dumps(provenance(), indent=1) + "\n")
    return Path(path)


def provenance_path(path: str | Path) -> Path:
    """The sidecar holding the provenance of the CSV at ``path``: ``<file>.provenance.json``."""
    path = Path(path)
    return path.with_name(f"{path.name}.provenance.json")


def append_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Append ``table``'s rows to the CSV at ``path`` (created when missing), atomically: an
    interrupted write leaves the previous records whole."""
    path = Path(path)
    if path.exists():
        table = pd.concat([pd.read_csv(path), table], ignore_index=True)
    return write_csv(table, path)


def check_output_file(path: str | Path) -> Path:
    """``path`` as a file we can create or replace, checked before any computing: not a
    directory, in a directory that exists (or can be made) and is writable."""
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"--out {path} is a directory; give a file name such as {path}/out.csv")
    parent = writable_directory(path.parent, "the directory of --out")
    return parent / path.name


def writable_directory(directory: Path, what: str) -> Path:
    if directory.exists() and not directory.is_dir():
        raise ValueError(f"{what} {directory} exists and is not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError(f"cannot create {what} {directory}: {error.strerror}") from None
    try:  # a real probe: permission bits say nothing for root or read-only file systems
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as error:
        raise ValueError(f"{what} {directory} is not writable ({error.strerror})") from None
    return directory
