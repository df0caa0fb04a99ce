"""A resumable store of runs: a directory with one JSON file per finished run, written as the
run finishes, and one ``.failed.json`` per failed run (which run, the error and its traceback);
reopening it skips the finished runs and retries the failed ones. Each run file records where its
results came from (:mod:`stackmeta_lite.common.provenance`).

A run file carries its identity, the run (game, seed, method) and the store's manifest (the run
config), and its row count; loading checks all three against the run asked for, so a file copied
from another run or another setting, or one emptied or cut short, is refused by name, never
trusted."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from stackmeta_lite.common.files import writable_directory, write_atomic
from stackmeta_lite.common.provenance import provenance

RunKey = tuple[str, int, str]
"""(game key, seed, method): a catalog game's name, any other game's name and payoff hash
(``games.naming.game_key``), so two different games called "custom" never share a run file."""


class RunStore:
    """A directory of runs, one JSON file per (game, seed, method), for resumable sweeps.

    ``manifest`` (e.g. the run config's repr) is written once as ``manifest.json``; reopening the
    directory with a different manifest is refused, so runs of two configs never mix.
    """

    def __init__(self, directory: str | Path, manifest: dict[str, str]) -> None:
        self.directory = writable_directory(Path(directory), "run store")
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
        self.manifest = manifest

    def _path(self, key: RunKey, suffix: str = ".json") -> Path:
        game, seed, method = key
        return self.directory / f"{game}__{seed}__{method}{suffix}"

    def finished(self, key: RunKey) -> bool:
        return self._path(key).is_file()

    def save(self, key: RunKey, table: pd.DataFrame) -> None:
        """Persist a finished run (exact floats, column types kept); clears an old failure."""
        data = {
            "run": list(key),
            "manifest": self.manifest,
            "rows": len(table),
            "dtypes": {column: str(dtype) for column, dtype in table.dtypes.items()},
            "columns": table.to_dict(orient="list"),
            "provenance": provenance(),
        }
        write_atomic(self._path(key), json.dumps(data))
        self._path(key, ".failed.json").unlink(missing_ok=True)

    def provenance_of(self, key: RunKey) -> dict[str, str | None]:
        """Where the finished run's results came from (see ``save``)."""
        return json.loads(self._path(key).read_text(encoding="utf-8"))["provenance"]

    def record_failure(self, key: RunKey, error: str, details: str) -> None:
        """Persist which run failed and why (the error line and the traceback)."""
        data = {"run": list(key), "error": error, "traceback": details}
        write_atomic(self._path(key, ".failed.json"), json.dumps(data, indent=1))

    def load(self, key: RunKey) -> pd.DataFrame:
        """The table of a finished run, exactly as it was saved, once the file's own run, setting
        and row count match ``key``, this store's manifest and the rows it holds."""
        path = self._path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            table = pd.DataFrame(data["columns"]).astype(data["dtypes"])
            identity = data["run"], data["manifest"], data["rows"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ValueError(
                f"run file {path} is unreadable ({type(error).__name__}: {error}); delete it to "
                "rerun"
            ) from None
        expected = list(key), self.manifest, len(table)
        what = ("run", "setting", "row count")
        wrong = [
            f"its {name} is {got!r}, expected {want!r}"
            for name, got, want in zip(what, identity, expected, strict=True)
            if got != want
        ]
        if table.empty:  # every run records at least one leader update
            wrong.append("it holds no rows")
        if wrong:
            raise ValueError(
                f"run file {path} does not hold this run: {'; '.join(wrong)}; delete it to rerun"
            )
        return table

    def failures(self) -> pd.DataFrame:
        """One row per recorded failure: game, seed, method, error."""
        rows = []
        for path in sorted(self.directory.glob("*.failed.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            game, seed, method = data["run"]
            rows.append({"game": game, "seed": seed, "method": method, "error": data["error"]})
        return pd.DataFrame(rows, columns=["game", "seed", "method", "error"])
