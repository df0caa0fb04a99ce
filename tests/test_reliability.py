"""Reliability, one test per class of defect: outputs that never clobber what is at their path,
CSV appends that keep earlier rows byte for byte, a solver exact under any offset and scale,
one resolution of game names, booleans and payoffs never converted silently, and errors that name
the bad input."""

from __future__ import annotations

import datetime
import json
import os
import signal
import stat
import subprocess
import sys
import time
import warnings
from pathlib import Path

import gymnasium
import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from stackmeta_lite.atari.__main__ import main as atari_main
from stackmeta_lite.atari.experiment import budget_for
from stackmeta_lite.cli import main
from stackmeta_lite.common.files import append_csv, check_output_file, write_atomic
from stackmeta_lite.common.processes import pool_size
from stackmeta_lite.display.panels import game_explorer
from stackmeta_lite.experiments import sweep
from stackmeta_lite.experiments.bos import battle_of_the_sexes_run
from stackmeta_lite.experiments.checkpoint import load_pair, save_pair
from stackmeta_lite.experiments.run import RunConfig, run
from stackmeta_lite.experiments.store import RunStore
from stackmeta_lite.experiments.sweep import pretrain_sweep, run_sweep
from stackmeta_lite.games import registration
from stackmeta_lite.games.batched import play_tables, rollout
from stackmeta_lite.games.bimatrix import BimatrixGame, make_game
from stackmeta_lite.games.envs import FollowerEnv, IteratedGameEnv, LeaderEnv
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.naming import game_names
from stackmeta_lite.games.one_shot import (
    follower_reply,
    mixed_stackelberg,
    pure_nash_equilibria,
    pure_stackelberg,
)
from stackmeta_lite.games.solver import best_response_gap, best_responses, solve_iterated
from stackmeta_lite.learners.pg import PGConfig
from stackmeta_lite.learners.ppo import PPOConfig
from stackmeta_lite.method.followers import GreedyFollower, ReplySearch
from stackmeta_lite.method.leader import train_leader
from stackmeta_lite.method.presets import LEADER_PPO, SEARCH_FOLLOWER
from stackmeta_lite.method.pretrain import pretrain_follower

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
        assert (
            main(["solve", "--games", "noconflict,hero", "--horizon", "2", "--out", str(out)]) == 0
        )
    assert set(pd.read_csv(out)["game"]) == {"no_conflict", "hero"}
    with pytest.warns(FutureWarning), pytest.raises(SystemExit) as exit_code:
        main(["solve", "--games", "mixed_harmony,mixedharmony"])
    assert exit_code.value.code == 2
    assert "'mixed_harmony' and 'mixedharmony' are both 'mixed_harmony'" in capsys.readouterr().err
    with pytest.raises(ValueError, match="a game name must be a string.*got 3 \\(int\\)"):
        game_names(["hero", 3])


# --- flags and payoffs are never converted silently ------------------------------------------

PD = make_game("prisoners_dilemma")
FLAGS = {
    "IteratedGameEnv(queries=)": lambda v: IteratedGameEnv(PD, queries=v),
    "IteratedGameEnv(centred=)": lambda v: IteratedGameEnv(PD, centred=v),
    "LeaderEnv(queries=)": lambda v: LeaderEnv(PD, lambda obs: 0, queries=v),
    "FollowerEnv(centred=)": lambda v: FollowerEnv(PD, centred=v),
    "parallel_env(queries=)": lambda v: registration.parallel_env(queries=v),
    "rollout(centred=)": lambda v: rollout(
        IteratedGame(PD), np.zeros((1, 5), int), lambda t, s, o: np.zeros(1, int), centred=v
    ),
    "rewards(centred=)": lambda v: IteratedGame(PD).rewards(0, 0, centred=v),
    "steps_per_episode(with_queries=)": lambda v: IteratedGame(PD).steps_per_episode(v),
    "game_explorer(one_shot=)": lambda v: game_explorer(one_shot=v),
    "budget_for(ci=)": lambda v: budget_for("seller", v),
}
_not_flags = st.one_of(
    st.sampled_from(["False", "no", "0", "", "True", None, 0, 1, 0.0, np.int64(0), [False]]),
    st.text(max_size=5),
    st.integers(),
)


@settings(max_examples=80, deadline=None)
@given(where=st.sampled_from(sorted(FLAGS)), value=_not_flags)
def test_flags_must_be_true_or_false(where, value):
    name = where.split("(")[1].rstrip("=)")
    with pytest.raises(ValueError, match=f"{name} must be True or False, got "):
        FLAGS[where](value)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ([[1 + 1j, 2], [3, 4]], r"numbers \(real.*got np.complex128\(1\+1j\)"),
        (np.array([[1, 2], [3, 4]], dtype=complex), "got np.complex128"),
        (np.array([[1, 2], [3, 4]], dtype="m8[D]"), "got np.timedelta64"),
        (np.array([[1, 2], [3, 4]], dtype="M8[D]"), "got np.datetime64"),
        ([[datetime.datetime(2020, 1, 1), 2], [3, 4]], r"got datetime.datetime\(2020"),
        ([[datetime.timedelta(days=1), 2], [3, 4]], "got datetime.timedelta"),
        ([[2, -(10**400)], [3, 4]], r"fit a float64.*entry \[0, 1\] is -1000"),
        ([[2, 3], [np.longdouble("1e4000"), 4]], r"fit a float64.*entry \[1, 0\]"),
    ],
)
def test_payoffs_are_real_numbers_that_fit_a_float(entry, message):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an error, not a warning and a conversion
        with pytest.raises(ValueError, match=f"leader payoffs must .*{message}"):
            BimatrixGame(entry, np.zeros((2, 2)))


def test_a_checkpoint_with_complex_payoffs_is_refused(tmp_path):
    path = tmp_path / "pair.pt"
    iterated = IteratedGame(PD)
    save_pair(path, iterated, GreedyFollower(np.zeros(160, int)), np.zeros(5, int))
    data = torch.load(path, weights_only=True)
    data["game"]["leader_payoffs"] = (np.array(data["game"]["leader_payoffs"]) + 1j).tolist()
    torch.save(data, path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=f"{path}"):
            load_pair(path)


# --- errors name the bad input ---------------------------------------------------------------


def _stepped(env, actions):
    env.reset()
    return env.step(actions)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: gymnasium.make(registration.LEADER_ID, follower_policy=np.zeros((161, 2), int)),
            ValueError,
            r"follower_policy must be a callable or a 1-D table .* 161 .* shape \(161, 2\)",
        ),
        (
            lambda: IteratedGameEnv(PD, render_mode="ansi").render(),
            RuntimeError,
            r"render\(\) called before reset\(\)",
        ),
        (lambda: IteratedGame(123), ValueError, r"game must be a BimatrixGame .* got 123 \(int\)"),
        (lambda: IteratedGame(None), ValueError, "game must be a BimatrixGame .* got None"),
        (
            lambda: _stepped(IteratedGameEnv(PD), None),
            ValueError,
            r"actions must be a dict .* got None \(NoneType\)",
        ),
        (
            lambda: follower_reply(PD, ["0.5", "0.5"]),
            ValueError,
            r"leader strategy must have 2 probabilities .* got \['0.5', '0.5'\]",
        ),
        (
            lambda: solve_iterated(IteratedGame(PD, np.int64(2**61))),
            ValueError,
            "at horizon 2305843009213693952 would need .* MAX_SOLVER_BYTES",
        ),
        (
            lambda: save_pair(
                "missing/pair.pt", IteratedGame(PD), GreedyFollower(np.zeros(160, int)), [0] * 5
            ),
            FileNotFoundError,
            "the directory missing does not exist",
        ),
        (
            lambda: ReplySearch(IteratedGame(BimatrixGame(np.eye(3), np.eye(3)))),
            ValueError,
            r"reply search's returns table \(59,049 contexts x 59,049 replies .* 26.0 GiB.*"
            "MAX_TABLE_BYTES",
        ),
        (  # the exact gaps it measures are larger still: refused before the learner is made
            lambda: pretrain_follower(
                IteratedGame(BimatrixGame(np.eye(3), np.eye(3))), SEARCH_FOLLOWER, 0
            ),
            ValueError,
            r"pre-training a follower on 'custom' .* 59,049 leader tables.*MAX_SOLVER_BYTES",
        ),
        (
            lambda: IteratedGame(BimatrixGame(np.eye(2, 6), np.eye(2, 6))).follower_tables(),
            ValueError,
            r"the 13,060,694,016 stationary follower tables of a \(2, 6\) game .* MAX_TABLE_BYTES",
        ),
    ],
)
def test_errors_name_the_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- command lines refuse bad arguments before any computing ---------------------------------


def _refused(call, capsys) -> str:
    with pytest.raises(SystemExit) as exit_code:
        call()
    assert exit_code.value.code == 2 or isinstance(exit_code.value.code, str)
    return capsys.readouterr().err + str(exit_code.value.code)


def test_command_lines_refuse_bad_arguments_before_computing(tmp_path, capsys, monkeypatch):
    def no_training(*args, **kwargs):
        raise AssertionError("trained before refusing")

    monkeypatch.setattr("stackmeta_lite.method.pretrain.pretrain_follower", no_training)
    same = tmp_path / "X"
    args = ["benchmark", "--games", "hero", "--seeds", "0", "--runs", str(same), "--out", str(same)]
    assert "is or lies in the --runs directory" in _refused(lambda: main(args), capsys)
    assert not same.exists()
    args[-1] = str(same / "manifest.json")
    assert "is or lies in the --runs directory" in _refused(lambda: main(args), capsys)
    assert not same.exists()
    args = ["train", "--game", "hero", "--horizon", "30000", "--out", str(tmp_path / "p.pt")]
    assert "MAX_SOLVER_BYTES" in _refused(lambda: main(args), capsys)

    seeds = ["experiment", "--order", "seller", "--seeds", "0-200000", "--out", str(tmp_path)]
    assert "at most 100,000 seeds" in _refused(lambda: atari_main(seeds), capsys)
    (tmp_path / "bullet_values.csv").write_text("role,value\nseller,1\nbuyer,2\n")
    power = ["power", "--order", "seller", "--out", str(tmp_path)]
    message = _refused(lambda: atari_main(power), capsys)
    assert "bullet_values.csv lacks the column(s) ['shooter']" in message
    (tmp_path / "markets.csv").symlink_to(tmp_path / "bullet_values.csv")
    markets = ["markets", "--games", "2", "--out", str(tmp_path)]
    assert "markets.csv is a symbolic link" in _refused(lambda: atari_main(markets), capsys)
    monkeypatch.setenv("STACKMETA_BUDGET", "bogus")
    message = _refused(lambda: atari_main(power), capsys)
    assert "STACKMETA_BUDGET must be one of full, ci, got 'bogus'" in message


# --- signals end the workers -----------------------------------------------------------------


def _children(pid: int) -> list[int]:
    """Live (not zombie) processes whose parent is ``pid``, from /proc."""
    children = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            children.append(int(stat_file.parent.name))
    return children


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _signal_ends_all_workers(script: str, signum: int, n_workers: int) -> None:
    """Start ``script`` in a subprocess, wait for its ``n_workers`` worker processes, send
    ``signum`` and check that the parent exits and no worker survives it."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    parent = subprocess.Popen(
        [sys.executable, "-c", script],
        env=env,
        stderr=subprocess.PIPE,
        # Ctrl-C as in a terminal: a run started in the background (``cmd &``) inherits SIGINT
        # ignored, and Python then installs no KeyboardInterrupt handler.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while len(workers) < n_workers and time.monotonic() < deadline and parent.poll() is None:
        time.sleep(0.2)
        workers = [pid for pid in _children(parent.pid) if pid not in _resource_trackers(parent)]
    assert len(workers) >= n_workers, parent.stderr.read().decode() if parent.poll() else workers
    time.sleep(1)
    parent.send_signal(signum)
    try:
        code = parent.wait(timeout=60)
    except subprocess.TimeoutExpired:  # waiting for its workers: end it, then fail
        parent.kill()
        code = parent.wait()
    time.sleep(0.5)
    survivors = [pid for pid in workers if _alive(pid)]
    for pid in survivors:  # leave no stray process behind whatever the outcome
        os.kill(pid, signal.SIGKILL)
    assert not survivors, f"workers {survivors} outlived the parent after signal {signum}"
    assert code == 128 + signum or code == -signum or (signum == signal.SIGINT and code == 1)


def _resource_trackers(parent: subprocess.Popen) -> list[int]:
    """multiprocessing's resource tracker: a helper that ends by itself, not a worker."""
    return [
        pid
        for pid in _children(parent.pid)
        if "resource_tracker" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    ]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_ends_the_worker_pool(signum):
    script = (
        "import time\n"
        "from stackmeta_lite.common.processes import worker_pool\n"
        "with worker_pool(2, 4) as pool:\n"
        "    list(pool.map(time.sleep, [300] * 4))\n"
    )
    _signal_ends_all_workers(script, signum, 2)


def test_the_pool_never_exceeds_the_jobs_or_the_cores_unless_asked(monkeypatch):
    monkeypatch.setattr("stackmeta_lite.common.processes.cores", lambda: 2)
    assert pool_size(None, 1) == 1 and pool_size(None, 10) == 2 and pool_size(8, 2) == 2
    with pytest.warns(RuntimeWarning, match="3 worker processes on 2 cores"):
        assert pool_size(3, 10) == 3
    with pytest.raises(ValueError, match=r"workers must be at most 8 \(4 per core, 2 cores\)"):
        pool_size(9, 100)
    with pytest.raises(ValueError, match="workers must be an integer >= 1, got '2'"):
        pool_size("2", 4)


# --- resumes check what they trust -----------------------------------------------------------

TINY = RunConfig(
    follower=PGConfig(lr=0.05, batch_steps=15, iterations=3, gamma=0.9, baseline="step"),
    leader=PPOConfig(batch_steps=30, iterations=2, epochs=2),
    verify_iterations=1,
)
"""A few seconds of real training per run."""
MANIFEST = {"config": repr(TINY)}
KEY = ("hero", 0, "meta_ppo")


def _tamper(data: dict, how: str) -> dict:
    """A run file's JSON changed as a copy, an edit or a truncation might change it."""
    if how == "another run":
        return {**data, "run": ["hero", 1, "meta_ppo"]}
    if how == "another setting":
        return {**data, "manifest": {"config": "RunConfig(horizon=20)"}}
    if how == "no rows":
        return {**data, "columns": {column: [] for column in data["columns"]}, "rows": 0}
    if how == "rows cut":
        return {**data, "columns": {c: values[:1] for c, values in data["columns"].items()}}
    if how == "no identity":  # a file written before run files carried their identity
        return {key: value for key, value in data.items() if key not in ("manifest", "rows")}
    raise AssertionError(how)


@pytest.mark.parametrize(
    ("how", "message"),
    [
        (
            "another run",
            r"its run is \['hero', 1, 'meta_ppo'\], expected \['hero', 0, 'meta_ppo'\]",
        ),
        ("another setting", r"its setting is \{'config': 'RunConfig\(horizon=20\)'\}"),
        ("no rows", "it holds no rows"),
        ("rows cut", r"its row count is \d+, expected 1"),
        ("no identity", "is unreadable .*KeyError"),
    ],
)
def test_a_run_file_is_trusted_only_with_its_own_identity(tmp_path, how, message):
    store = RunStore(tmp_path, MANIFEST)
    table = pd.DataFrame({"seed": [0, 0, 0], "value": [0.1, 0.2, 0.3], "table": ["00111"] * 3})
    store.save(KEY, table)
    pd.testing.assert_frame_equal(store.load(KEY), table)
    path = tmp_path / "hero__0__meta_ppo.json"
    path.write_text(json.dumps(_tamper(json.loads(path.read_text()), how)))
    with pytest.raises(ValueError, match=f"run file {path} .*{message}.*delete it to rerun"):
        RunStore(tmp_path, MANIFEST).load(KEY)


def test_a_sweep_refuses_a_copied_run_file_before_training(tmp_path, monkeypatch):
    run_sweep(["hero"], [0], config=TINY, backend="serial", store=tmp_path)
    copied = tmp_path / "hero__1__meta_ppo.json"
    copied.write_bytes((tmp_path / "hero__0__meta_ppo.json").read_bytes())

    def no_training(spec):
        raise AssertionError("trained before refusing")

    monkeypatch.setattr(sweep, "run_spec", no_training)
    with pytest.raises(ValueError, match=f"run file {copied} does not hold this run"):
        run_sweep(["hero"], [0, 1], config=TINY, backend="serial", store=tmp_path)


def test_a_sweep_counts_an_old_game_key_and_its_new_name_as_one_game():
    same = "'no_conflict' and 'noconflict' are both"
    with pytest.warns(FutureWarning), pytest.raises(ValueError, match=same):
        run_sweep(["no_conflict", "noconflict"], [0], config=TINY, backend="serial")
    same = "'mixedharmony' and 'mixed_harmony' are both"
    with pytest.warns(FutureWarning), pytest.raises(ValueError, match=same):
        pretrain_sweep(["mixedharmony", "mixed_harmony"], [0])


def test_a_signal_ends_a_sweep_and_its_workers():
    script = (
        "from stackmeta_lite.experiments.sweep import run_sweep\n"
        "run_sweep(['hero', 'chicken', 'stag_hunt'], [0, 1], workers=2, progress=False)\n"
    )
    _signal_ends_all_workers(script, signal.SIGTERM, 2)


# --- every public entry point checks its arguments' types at the edge ------------------------

_IT, _TABLES = IteratedGame(PD), np.zeros((1, 5), int)
_GREEDY = np.zeros(160, int)
_TEXT, _NOT_TEXT = (
    st.text(max_size=4),
    st.one_of(
        st.none(),
        st.booleans(),
        st.floats(allow_nan=False),
        st.lists(st.integers(0, 3), min_size=1, max_size=2),
        st.dictionaries(st.text(max_size=2), st.integers(), min_size=1, max_size=1),
    ),
)
_ANY = st.one_of(_TEXT, _NOT_TEXT)


def _not_none(value: object) -> bool:
    return value is not None  # run(config=None) means the default config


EDGES = {  # entry point with one argument replaced: (call, argument name, bad values)
    "solve_iterated(iterated)": (lambda v: solve_iterated(v), "iterated", _ANY),
    "best_responses(iterated)": (lambda v: best_responses(v, _TABLES), "iterated", _ANY),
    "best_response_gap(iterated)": (
        lambda v: best_response_gap(v, _TABLES, _TABLES),
        "iterated",
        _ANY,
    ),
    "pure_stackelberg(game)": (lambda v: pure_stackelberg(v), "game", _ANY),
    "mixed_stackelberg(game)": (lambda v: mixed_stackelberg(v), "game", _ANY),
    "pure_nash_equilibria(game)": (lambda v: pure_nash_equilibria(v), "game", _ANY),
    "follower_reply(game)": (lambda v: follower_reply(v, [1.0, 0.0]), "game", _ANY),
    "play_tables(iterated)": (lambda v: play_tables(v, _TABLES, _TABLES), "iterated", _ANY),
    "rollout(iterated)": (
        lambda v: rollout(v, _TABLES, lambda *a: np.zeros(1, int)),
        "iterated",
        _ANY,
    ),
    "pretrain_follower(iterated)": (lambda v: pretrain_follower(v), "iterated", _ANY),
    "pretrain_follower(seed)": (lambda v: pretrain_follower(_IT, SEARCH_FOLLOWER, v), "seed", _ANY),
    "train_leader(iterated)": (lambda v: train_leader(v, _GREEDY), "iterated", _ANY),
    "train_leader(seed)": (lambda v: train_leader(_IT, _GREEDY, LEADER_PPO, v), "seed", _ANY),
    "run(seed)": (lambda v: run("hero", v), "seed", _ANY),
    "run(config)": (lambda v: run("hero", 0, config=v), "config", _ANY.filter(_not_none)),
    "run_sweep(seeds)": (lambda v: run_sweep(["hero"], v), "seed", st.one_of(_TEXT, st.none())),
    "save_pair(path)": (
        lambda v: save_pair(v, _IT, GreedyFollower(_GREEDY), [0] * 5),
        "path",
        _NOT_TEXT,
    ),
    "save_pair(iterated)": (
        lambda v: save_pair("pair.pt", v, GreedyFollower(_GREEDY), [0] * 5),
        "iterated",
        _ANY,
    ),
    "load_pair(path)": (lambda v: load_pair(v), "path", _NOT_TEXT),
    "IteratedGame(game)": (lambda v: IteratedGame(v), "game", _NOT_TEXT),
    "IteratedGame(horizon)": (lambda v: IteratedGame(PD, v), "horizon", _ANY),
    "BimatrixGame(name)": (lambda v: BimatrixGame(np.eye(2), np.eye(2), name=v), "name", _NOT_TEXT),
    "BimatrixGame(leader_actions)": (
        lambda v: BimatrixGame(np.eye(2), np.eye(2), leader_actions=v),
        "leader action names",
        st.one_of(_TEXT, st.booleans(), st.floats(allow_nan=False)),
    ),
    "make_game(name)": (lambda v: make_game(v), "game name", _NOT_TEXT),
    "battle_of_the_sexes_run(reset)": (lambda v: battle_of_the_sexes_run(0, v), "reset", _ANY),
}


@settings(max_examples=150, deadline=None)
@given(data=st.data(), where=st.sampled_from(sorted(EDGES)))
def test_public_entry_points_check_types_at_the_edge_and_name_the_argument(data, where):
    call, name, values = EDGES[where]
    value = data.draw(values)
    with pytest.raises(ValueError, match=name):
        call(value)
