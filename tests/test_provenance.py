"""Provenance: every CSV the package writes and every stored run say where they came from."""

from __future__ import annotations

import json
import platform
import subprocess
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import pytest

import stackmeta_lite
from stackmeta_lite.cli import main
from stackmeta_lite.common.files import provenance_path, write_csv
from stackmeta_lite.common.provenance import git_commit, provenance
from stackmeta_lite.experiments.store import RunStore

ROOT = Path(__file__).resolve().parents[1]


def test_the_record_names_versions_commit_python_and_platform() -> None:
    record = provenance()
    assert record["python"] == platform.python_version()
    assert record["platform"] == platform.platform()
    for library in ("numpy", "torch", "pandas", "gymnasium"):
        assert record[library] == version(library)
    assert record["stackmeta_lite"] == stackmeta_lite.__version__ == version("stackmeta-lite")
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert record["commit"].removesuffix("-dirty") == head


def test_no_commit_outside_a_checkout(tmp_path: Path) -> None:
    assert git_commit(tmp_path) is None


def test_a_csv_gets_a_sidecar_and_stays_plain_for_pandas(tmp_path: Path) -> None:
    table = pd.DataFrame({"game": ["hero", "chicken"], "value": [0.1, 4.0]})
    path = write_csv(table, tmp_path / "out.csv")
    pd.testing.assert_frame_equal(pd.read_csv(path), table)
    sidecar = provenance_path(path)
    assert sidecar.name == "out.csv.provenance.json"
    assert json.loads(sidecar.read_text()) == provenance()


def test_a_stored_run_carries_the_record_and_loads_unchanged(tmp_path: Path) -> None:
    store = RunStore(tmp_path, {"config": "tiny"})
    table = pd.DataFrame({"update": [0, 1], "value": [1.5, 2.25]})
    store.save(("hero", 3, "meta_ppo"), table)
    assert store.provenance_of(("hero", 3, "meta_ppo")) == provenance()
    pd.testing.assert_frame_equal(store.load(("hero", 3, "meta_ppo")), table)
    RunStore(tmp_path, {"config": "tiny"})  # reopening with the same setting still works


def test_the_command_line_writes_the_sidecar_and_reports_its_version(tmp_path, capsys) -> None:
    out = tmp_path / "solve.csv"
    assert main(["solve", "--games", "hero", "--horizon", "2", "--out", str(out)]) == 0
    assert json.loads(provenance_path(out).read_text())["python"] == platform.python_version()
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"stackmeta-lite {stackmeta_lite.__version__}"
