"""Results that survive faults: atomic file writes and a resumable store of runs.

``write_atomic`` writes a temporary file next to the target, flushes it to disk, then renames it
over the target, so a reader (or a rerun after a crash) sees the old file or the whole new one,
never a truncated one. ``RunStore`` is a directory with one JSON file per finished run, written
as the run finishes, and one ``.failed.json`` per failed run (which run, the error and its
traceback); reopening it skips the finished runs and retries the failed ones. Both record where
their results came from (:mod:`stackmeta_lite.common.provenance`): a CSV in a sidecar
``<file>.provenance.json``, a run in its JSON file.
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

RunKey = tuple[str, int, str]
"""(game, seed, method)."""


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
    parent = _writable_directory(path.parent, "the directory of --out")
    return parent / path.name


def _writable_directory(directory: Path, what: str) -> Path:
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


class RunStore:
    """A directory of runs, one JSON file per (game, seed, method), for resumable sweeps.

    ``manifest`` (e.g. the run config's repr) is written once as ``manifest.json``; reopening the
    directory with a different manifest is refused, so runs of two configs never mix.
    """

    def __init__(self, directory: str | Path, manifest: dict[str, str]) -> None:
        self.directory = _writable_directory(Path(directory), "run store")
        path = self.directory / "manifest.json"
        if path.exists():
            try:
                stored = json.loads(path.read_text(encoding="utf-8"))
            except ValueError as error:
                raise ValueError(f"run store manifest {path} is unreadable ({error})") from None
            if stored != manifest:
                raise ValueError(
                    f"run store {self.directory} holds runs of another setting: {stored}; this "
                    f"sweep has {manifest}. Use a new directory or the same setting"
                )
        else:
            write_atomic(path, json.dumps(manifest, indent=1))

    def _path(self, key: RunKey, suffix: str = ".json") -> Path:
        game, seed, method = key
        return self.directory / f"{game}__{seed}__{method}{suffix}"

    def finished(self, key: RunKey) -> bool:
        return self._path(key).is_file()

    def save(self, key: RunKey, table: pd.DataFrame) -> None:
        """Persist a finished run (exact floats, column types kept); clears an old failure."""
        data = {
            "run": list(key),
            "provenance": provenance(),
            "dtypes": {column: str(dtype) for column, dtype in table.dtypes.items()},
            "columns": table.to_dict(orient="list"),
        }
        write_atomic(self._path(key), json.dumps(data))
        self._path(key, ".failed.json").unlink(missing_ok=True)

    def record_failure(self, key: RunKey, error: str, details: str) -> None:
        """Persist which run failed and why (the error line and the traceback)."""
        data = {"run": list(key), "error": error, "traceback": details}
        write_atomic(self._path(key, ".failed.json"), json.dumps(data, indent=1))

    def provenance_of(self, key: RunKey) -> dict[str, str | None]:
        """Where the finished run's results came from (see ``save``)."""
        return json.loads(self._path(key).read_text(encoding="utf-8"))["provenance"]

    def load(self, key: RunKey) -> pd.DataFrame:
        """The table of a finished run, exactly as it was saved."""
        path = self._path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return pd.DataFrame(data["columns"]).astype(data["dtypes"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ValueError(
                f"run file {path} is unreadable ({error}); delete it to rerun"
            ) from None

    def failures(self) -> pd.DataFrame:
        """One row per recorded failure: game, seed, method, error."""
        rows = []
        for path in sorted(self.directory.glob("*.failed.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            game, seed, method = data["run"]
            rows.append({"game": game, "seed": seed, "method": method, "error": data["error"]})
        return pd.DataFrame(rows, columns=["game", "seed", "method", "error"])
