"""Fault tolerance: atomic files, failing runs in a sweep, interrupted and resumed sweeps."""

import os
import signal
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from stackmeta_lite.common.files import append_csv, check_output_file, write_atomic, write_csv
from stackmeta_lite.experiments import sweep
from stackmeta_lite.experiments.run import RunConfig, run, run_spec
from stackmeta_lite.experiments.store import RunStore
from stackmeta_lite.experiments.sweep import SweepError, run_sweep
from stackmeta_lite.games.bimatrix import from_cells
from stackmeta_lite.games.naming import game_key
from stackmeta_lite.learners.dqn import DQNConfig
from stackmeta_lite.learners.pg import PGConfig
from stackmeta_lite.learners.ppo import PPOConfig

TINY = RunConfig(
    follower=PGConfig(lr=0.05, batch_steps=15, iterations=3, gamma=0.9, baseline="step"),
    leader=PPOConfig(batch_steps=30, iterations=2, epochs=2),
    verify_iterations=1,
)
"""A few seconds of real training per run: enough to exercise the sweep machinery."""
PD_CELLS = ((3, 3), (1, 4), (4, 1), (2, 2))
HERO_CELLS = ((1, 1), (3, 4), (4, 3), (2, 2))


def test_an_interrupted_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "results.csv"
    write_csv(pd.DataFrame({"a": [1, 2]}), path)
    before = path.read_bytes()

    def interrupt(_fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_csv(pd.DataFrame({"a": range(100_000)}), path)
    assert path.read_bytes() == before
    # no temporary file left, only the CSV and its provenance
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "results.csv",
        "results.csv.provenance.json",
    ]


def test_a_killed_writer_leaves_the_old_file_whole(tmp_path):
    # The process dies mid-write (SIGKILL, no cleanup): the target keeps its old content.
    path = tmp_path / "results.csv"
    path.write_text("old,complete\n1,2\n")
    script = textwrap.dedent(
        f"""
        import os, signal
        from stackmeta_lite.common.files import write_atomic
        os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)
        write_atomic({str(path)!r}, "new" * 1_000_000)
        """
    )
    child = subprocess.run([sys.executable, "-c", script], env={**os.environ}, check=False)
    assert child.returncode == -signal.SIGKILL
    assert path.read_text() == "old,complete\n1,2\n"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "results.csv"]
    assert len(leftovers) == 1 and leftovers[0].startswith(".results.csv.")  # hidden, ignored


def test_write_atomic_replaces_and_check_output_file_refuses_bad_targets(tmp_path):
    write_atomic(tmp_path / "x.txt", "one")
    write_atomic(tmp_path / "x.txt", "two")
    assert (tmp_path / "x.txt").read_text() == "two"
    with pytest.raises(ValueError, match="is a directory; give a file name"):
        check_output_file(tmp_path)
    (tmp_path / "file").write_text("")
    with pytest.raises(ValueError, match="exists and is not a directory"):
        check_output_file(tmp_path / "file" / "out.csv")
    with pytest.raises(ValueError, match="directory of --out /sys is not writable"):
        check_output_file("/sys/out.csv")  # read-only for every user, root included
    with pytest.raises(ValueError, match="cannot create the directory of --out /sys/new"):
        check_output_file("/sys/new/out.csv")


def _failing_on_seed(bad_seed, calls):
    def fake_run(spec):
        calls.append(spec.seed)
        if spec.seed == bad_seed:
            raise FloatingPointError(f"injected fault in seed {spec.seed}")
        return run_spec(spec)

    return fake_run


@pytest.mark.parametrize("backend", ["serial", "processes"])
def test_a_failing_run_is_recorded_and_the_others_kept(tmp_path, monkeypatch, backend):
    calls = []
    monkeypatch.setattr(sweep, "run_spec", _failing_on_seed(1, calls))  # workers fork it
    with pytest.raises(
        SweepError, match=r"1 run\(s\) failed: \(hero, 1, meta_ppo\): Floating"
    ) as caught:
        run_sweep(["hero"], [0, 1, 2], config=TINY, backend=backend, workers=2, store=tmp_path)
    assert sorted(caught.value.results["seed"].unique()) == [0, 2]  # the finished runs
    assert caught.value.failures.to_dict("records") == [
        {
            "game": "hero",
            "seed": 1,
            "method": "meta_ppo",
            "error": "FloatingPointError: injected fault in seed 1",
        }
    ]
    store = RunStore(tmp_path, {"config": repr(TINY)})
    assert store.finished(("hero", 0, "meta_ppo")) and store.finished(("hero", 2, "meta_ppo"))
    assert not store.finished(("hero", 1, "meta_ppo"))
    assert store.failures()["error"].tolist() == ["FloatingPointError: injected fault in seed 1"]
    assert "Traceback" in (tmp_path / "hero__1__meta_ppo.failed.json").read_text()


def test_resume_runs_only_what_is_missing_and_matches_a_fresh_sweep(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(sweep, "run_spec", _failing_on_seed(1, calls))
    with pytest.raises(SweepError):
        run_sweep(["hero"], [0, 1, 2], config=TINY, backend="serial", store=tmp_path)
    assert calls == [0, 1, 2]
    monkeypatch.setattr(sweep, "run_spec", _failing_on_seed(None, calls))
    resumed = run_sweep(["hero"], [0, 1, 2], config=TINY, backend="serial", store=tmp_path)
    assert calls == [0, 1, 2, 1]  # only the failed run again
    assert RunStore(tmp_path, {"config": repr(TINY)}).failures().empty  # failure cleared
    fresh = run_sweep(["hero"], [0, 1, 2], config=TINY, backend="serial")
    pd.testing.assert_frame_equal(resumed, fresh)  # exact floats and column types


def test_each_run_is_persisted_as_it_finishes(tmp_path, monkeypatch):
    # The sweep is interrupted (Ctrl-C) after its first run is saved: that run survives.
    real_save, saves = RunStore.save, []

    def save_then_interrupt(self, key, table):
        real_save(self, key, table)
        saves.append(key)
        raise KeyboardInterrupt

    monkeypatch.setattr(RunStore, "save", save_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        run_sweep(["hero", "chicken"], [0], config=TINY, backend="serial", store=tmp_path)
    monkeypatch.setattr(RunStore, "save", real_save)
    assert saves == [("hero", 0, "meta_ppo")]
    calls = []
    monkeypatch.setattr(sweep, "run_spec", _failing_on_seed(None, calls))
    results = run_sweep(["hero", "chicken"], [0], config=TINY, backend="serial", store=tmp_path)
    assert len(calls) == 1 and list(results["game"].unique()) == ["hero", "chicken"]


def test_every_run_is_validated_before_any_training(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(sweep, "run_spec", _failing_on_seed(None, calls))
    dqn = RunConfig(leader=DQNConfig())
    with pytest.raises(ValueError, match="method 'meta_ppo' needs a PPOConfig leader config"):
        run_sweep(["hero"], [0], ["meta_dqn", "meta_ppo"], config=dqn, backend="serial")
    with pytest.raises(ValueError, match=r"repeated \(game, seed, method\): \[\('hero', 0"):
        run_sweep(["hero"], [0, 0], config=TINY, backend="serial")
    with pytest.raises(ValueError, match="unknown game 'nope'"):
        run_sweep(["hero", "nope"], [0], config=TINY, backend="serial")
    with pytest.raises(ValueError, match=r"seed must be an integer >= 0, got 1.5"):
        run_sweep(["hero"], [0, 1.5], config=TINY, backend="serial")
    with pytest.raises(ValueError, match=r"games must be a list of names such as \['hero'\]"):
        run_sweep("hero", [0], config=TINY, backend="serial")
    results = run_sweep(["hero", "chicken"], iter([0, 1]), ["meta_ppo"], TINY, "serial")
    assert calls == [0, 1, 0, 1]  # a seed generator is not exhausted by the first game
    assert len(results) == 8
    # A store of another config is refused, so runs of two configs never mix.
    run_sweep(["hero"], [0], config=TINY, backend="serial", store=tmp_path)
    with pytest.raises(ValueError, match="holds runs of another setting"):
        run_sweep(["hero"], [0], config=RunConfig(), backend="serial", store=tmp_path)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"follower": "x"}, "RunConfig.follower must be None or one of SearchConfig, .*, got 'x'"),
        ({"leader": 0.1}, "RunConfig.leader must be None or a PGConfig"),
        ({"qlearning": None}, "RunConfig.qlearning must be a QLearningConfig"),
        ({"horizon": True}, "horizon must be an integer >= 1, got True"),
        ({"verify_iterations": 2.0}, "verify_iterations must be an integer >= 1"),
    ],
)
def test_run_config_is_checked_at_construction(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RunConfig(**kwargs)


def test_different_seeds_give_different_runs_and_the_same_seed_the_same():
    a, b = run("hero", 1, "meta_ppo", TINY), run("hero", 3, "meta_ppo", TINY)
    pd.testing.assert_frame_equal(a, run("hero", 1, "meta_ppo", TINY))
    numbers = ["leader_table", "leader_value", "best_response_gap", "finetune_improvement"]
    assert not a[numbers].equals(b[numbers])


def test_seeds_beyond_the_generators_are_refused_up_front():
    # A seed of 2**64 passed the old check and failed inside torch after the sweep had started.
    with pytest.raises(ValueError, match=r"seed must be an integer >= 0, got 18446744073709551616"):
        run_sweep(["hero"], [2**64], config=TINY, backend="serial")


def test_a_killed_worker_loses_no_finished_run(tmp_path, monkeypatch):
    # A worker process dies (as under the out-of-memory killer): the pool breaks, the runs it
    # took down are recorded as failures, the finished ones are kept, and a rerun completes.
    def dying_run(spec):
        if spec.seed == 1:
            os._exit(1)
        return run_spec(spec)

    monkeypatch.setattr(sweep, "run_spec", dying_run)  # forked workers inherit it
    keys = {("hero", seed, "meta_ppo") for seed in range(3)}
    with pytest.raises(SweepError, match=r"\(hero, 1, meta_ppo\): BrokenProcessPool") as caught:
        run_sweep(["hero"], [0, 1, 2], config=TINY, workers=2, store=tmp_path)
    results = caught.value.results
    finished = set(results.groupby(["game", "seed", "method"]).groups) if len(results) else set()
    failed = {tuple(row) for row in caught.value.failures[["game", "seed", "method"]].values}
    assert finished | failed == keys and not finished & failed
    store = RunStore(tmp_path, {"config": repr(TINY)})
    assert all(store.finished(key) for key in finished)
    monkeypatch.setattr(sweep, "run_spec", run_spec)
    resumed = run_sweep(["hero"], [0, 1, 2], config=TINY, workers=2, store=tmp_path)
    pd.testing.assert_frame_equal(
        resumed, run_sweep(["hero"], [0, 1, 2], config=TINY, backend="serial")
    )


def test_a_damaged_store_is_named_not_trusted(tmp_path):
    run_sweep(["hero"], [0], config=TINY, backend="serial", store=tmp_path)
    (tmp_path / "hero__0__meta_ppo.json").write_text('{"run": ["hero", 0, "meta_ppo"], "col')
    with pytest.raises(ValueError, match=r"hero__0__meta_ppo.json is unreadable .*delete it"):
        run_sweep(["hero"], [0], config=TINY, backend="serial", store=tmp_path)
    (tmp_path / "manifest.json").write_text("{")
    with pytest.raises(ValueError, match="manifest.json is unreadable"):
        run_sweep(["hero"], [0], config=TINY, backend="serial", store=tmp_path)


def test_append_csv_keeps_earlier_records_and_adds_new_ones(tmp_path):
    path = tmp_path / "tuning.csv"
    append_csv(pd.DataFrame({"stage": [1], "score": [0.5]}), path)
    append_csv(pd.DataFrame({"stage": [2, 2], "score": [0.7, 0.9]}), path)
    table = pd.read_csv(path)
    assert table["stage"].tolist() == [1, 2, 2]
    assert table["score"].tolist() == [0.5, 0.7, 0.9]


def test_two_custom_games_of_one_name_never_share_a_run_file(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(sweep, "run_spec", _failing_on_seed(None, calls))
    dilemma, hero = from_cells("custom", PD_CELLS), from_cells("custom", HERO_CELLS)
    first = run_sweep([dilemma], [0], config=TINY, backend="serial", store=tmp_path)
    second = run_sweep([hero], [0], config=TINY, backend="serial", store=tmp_path)
    assert len(calls) == 2  # the second game was trained, not read from the first's file
    assert set(first["game"]) == set(second["game"]) == {"custom"}
    assert first["optimum"].iloc[0] == 3.1 and second["optimum"].iloc[0] == 4.0
    paths = [tmp_path / f"{game_key(game)}__0__meta_ppo.json" for game in (dilemma, hero)]
    assert paths[0] != paths[1] and all(path.is_file() for path in paths)
    equal = from_cells("custom", PD_CELLS)
    again = run_sweep([equal], [0], config=TINY, backend="serial", store=tmp_path)
    assert len(calls) == 2  # an equal game made anew resumes from its file
    pd.testing.assert_frame_equal(again, first)
    paths[1].write_bytes(paths[0].read_bytes())  # one game's run copied over the other's
    with pytest.raises(ValueError, match=f"run file {paths[1]} does not hold this run"):
        run_sweep([hero], [0], config=TINY, backend="serial", store=tmp_path)
    both = "the BimatrixGame 'custom' and the BimatrixGame 'custom' are different games both named"
    with pytest.raises(ValueError, match=both):
        run_sweep([dilemma, hero], [0], config=TINY, backend="serial")


def test_custom_games_cross_the_process_pool():
    games = [from_cells("my_dilemma", PD_CELLS), "hero"]
    parallel = run_sweep(games, [0], config=TINY, workers=2, progress=False)
    pd.testing.assert_frame_equal(parallel, run_sweep(games, [0], config=TINY, backend="serial"))
    assert list(parallel["game"].unique()) == ["my_dilemma", "hero"]
