"""Reliability, one test per class of defect: outputs that never clobber what is at their path,
CSV appends that keep earlier rows byte for byte, a solver exact under any offset and scale,
one resolution of game names, booleans and payoffs never converted silently, and errors that name
the bad input."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stackmeta_lite.cli import main
from stackmeta_lite.common.files import append_csv, check_output_file, write_atomic
from stackmeta_lite.games.bimatrix import game_names

# --- outputs never clobber -------------------------------------------------------------------


def _special_targets(directory: Path) -> dict[str, Path]:
    """Paths that are no regular file: a named pipe, links (to a file, dangling), a directory."""
    regular = directory / "precious.csv"
    regular.write_text("keep me\n")
    os.mkfifo(directory / "pipe")
    (directory / "link").symlink_to(regular)
    (directory / "dangling").symlink_to(directory / "nowhere.csv")
    (directory / "folder").mkdir()
    return {name: directory / name for name in ("pipe", "link", "dangling", "folder")}


@pytest.mark.parametrize("name", ["pipe", "link", "dangling", "folder"])
def test_outputs_refuse_what_is_not_a_regular_file_and_leave_it_alone(tmp_path, name):
    target = _special_targets(tmp_path)[name]
    before = target.lstat()
    with pytest.raises(ValueError, match=str(target)):
        check_output_file(target)  # the command line's check, before any computing
    with pytest.raises(ValueError, match=f"{target}.*(pipe|link|directory)"):
        write_atomic(target, "new\n")
    after = target.lstat()
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert (tmp_path / "precious.csv").read_text() == "keep me\n"
    assert not (tmp_path / "nowhere.csv").exists()
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_device_passes_no_output_check_even_for_root():
    # As root /dev/null passes every permission check: the file type decides.
    with pytest.raises(ValueError, match="/dev/null is a character device"):
        check_output_file("/dev/null")


@pytest.mark.parametrize("permissions", [0o600, 0o640, 0o755])
def test_replacing_a_file_keeps_its_permissions(tmp_path, permissions):
    path = tmp_path / "out.csv"
    path.write_text("old\n")
    path.chmod(permissions)
    write_atomic(path, "new\n")
    assert path.read_text() == "new\n"
    assert stat.S_IMODE(path.stat().st_mode) == permissions


def test_a_missing_directory_is_named_not_the_temporary_file(tmp_path):
    missing = tmp_path / "no" / "such"
    with pytest.raises(FileNotFoundError, match=f"directory {missing} does not exist") as error:
        write_atomic(missing / "out.csv", "x")
    assert ".tmp" not in str(error.value)


# --- CSV appends keep earlier rows -----------------------------------------------------------

_cells = st.text(alphabet="0123456789.-eE+ aZ_", min_size=1, max_size=8).filter(
    lambda text: text == text.strip()
)


@settings(max_examples=60, deadline=None)
@given(first=st.lists(_cells, min_size=1, max_size=4), second=st.lists(_cells, max_size=4))
def test_append_csv_keeps_earlier_rows_byte_for_byte(tmp_path_factory, first, second):
    path = tmp_path_factory.mktemp("append") / "table.csv"
    append_csv(pd.DataFrame({"table": first, "x": range(len(first))}), path)
    before = path.read_bytes()
    append_csv(pd.DataFrame({"table": second, "x": range(len(second))}), path)
    assert path.read_bytes().startswith(before)
    stored = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert stored["table"].tolist() == first + second  # "00111" stays "00111"


def test_append_csv_refuses_another_header(tmp_path):
    path = tmp_path / "table.csv"
    append_csv(pd.DataFrame({"a": [1]}), path)
    with pytest.raises(ValueError, match="header 'a' differs"):
        append_csv(pd.DataFrame({"b": [2]}), path)
    assert path.read_text() == "a\n1\n"


# --- one resolution of game names ------------------------------------------------------------


def test_old_game_keys_resolve_everywhere_and_duplicates_are_found_after_resolution(
    tmp_path, capsys
):
    out = tmp_path / "solve.csv"
    with pytest.warns(FutureWarning, match="'noconflict'.*'no_conflict'"):
        assert main(["solve", "--games", "noconflict,hero", "--horizon", "2", "--out", str(out)]) == 0
    assert set(pd.read_csv(out)["game"]) == {"no_conflict", "hero"}
    with pytest.warns(FutureWarning), pytest.raises(SystemExit) as exit_code:
        main(["solve", "--games", "mixed_harmony,mixedharmony"])
    assert exit_code.value.code == 2
    assert "'mixed_harmony' and 'mixedharmony' are both 'mixed_harmony'" in capsys.readouterr().err
    with pytest.raises(ValueError, match="a game name must be a string.*got 3 \\(int\\)"):
        game_names(["hero", 3])
