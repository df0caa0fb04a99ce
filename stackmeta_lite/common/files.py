"""Output files that survive faults: atomic writes of text and CSV tables.

``write_atomic`` writes a temporary file next to the target, flushes it to disk, then renames it
over the target, so a reader (or a rerun after a crash) sees the old file or the whole new one,
never a truncated one. The target must be a regular file (whose permissions are kept) or a new
path: a directory, device, named pipe, socket or symbolic link there is refused, never replaced.
A CSV records where it came from
(:mod:`stackmeta_lite.common.provenance`) in a sidecar ``<file>.provenance.json``.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pandas as pd

from stackmeta_lite.common.provenance import provenance

_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFLNK: "a symbolic link",
}


def _existing_mode(path: Path) -> int | None:
    """Permission bits of the regular file at ``path``, None if nothing is there, or a
    ValueError if something else is (checked with ``lstat``: a symbolic link is not followed)."""
    try:
        status = path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not stat.S_ISREG(status.st_mode):
        kind = _KINDS.get(stat.S_IFMT(status.st_mode), "not a regular file")
        raise ValueError(
            f"{path} is {kind}; outputs are written only to a regular file or a new path"
        )
    return stat.S_IMODE(status.st_mode)


@contextmanager
def atomic_file(path: str | Path, mode: str = "w") -> Iterator[IO]:
    """An open temporary file next to ``path`` ("w": UTF-8 text, "wb": bytes) that replaces
    ``path`` only when the block ends without an exception; otherwise it is removed. ``path``
    must be new or a regular file (its permissions are kept; a new file gets 0o644)."""
    path = Path(path)
    _existing_mode(path)
    if not path.parent.is_dir():
        problem = "is not a directory" if path.parent.exists() else "does not exist"
        raise FileNotFoundError(f"cannot write {path}: the directory {path.parent} {problem}")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        text = {"encoding": "utf-8", "newline": ""} if "b" not in mode else {}
        with os.fdopen(handle, mode, **text) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        permissions = _existing_mode(path)  # again: the path may have changed meanwhile
        os.chmod(temporary, 0o644 if permissions is None else permissions)
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
    return _write_csv_text(path, table.to_csv(index=False))


def _write_csv_text(path: str | Path, text: str) -> Path:
    write_atomic(path, text)
    write_atomic(provenance_path(path), json.dumps(provenance(), indent=1) + "\n")
    return Path(path)


def provenance_path(path: str | Path) -> Path:
    """The sidecar holding the provenance of the CSV at ``path``: ``<file>.provenance.json``."""
    path = Path(path)
    return path.with_name(f"{path.name}.provenance.json")


def append_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Append ``table``'s rows to the CSV at ``path`` (created when missing), atomically: an
    interrupted write leaves the previous records whole. Earlier rows are kept as text, byte for
    byte (never re-read with type guessing); the header must match ``table``'s columns."""
    path = Path(path)
    if _existing_mode(path) is None:
        return write_csv(table, path)
    old = path.read_text(encoding="utf-8")
    header = table.iloc[:0].to_csv(index=False)
    if not old.startswith(header):
        first = old.splitlines()[0] if old else "(empty file)"
        raise ValueError(
            f"cannot append to {path}: its header {first!r} differs from the columns "
            f"{list(table.columns)}"
        )
    if not old.endswith("\n"):
        old += "\n"
    return _write_csv_text(path, old + table.to_csv(index=False, header=False))


def check_output_file(path: str | Path) -> Path:
    """``path`` as a file we can create or replace, checked before any computing: a new path or
    a regular file (not a directory, device, pipe or symbolic link), in a directory that exists
    (or can be made) and is writable."""
    path = Path(path)
    if path.is_dir() and not path.is_symlink():
        raise ValueError(f"--out {path} is a directory; give a file name such as {path}/out.csv")
    try:
        _existing_mode(path)
    except ValueError as error:
        raise ValueError(f"--out {error}") from None
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
