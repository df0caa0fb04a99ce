import argparse
import io
import json
import re
import subprocess
import sys

import pandas as pd
import pytest

from stackmeta_lite.cli import PROG, main, parser
from stackmeta_lite.experiments import sweep
from stackmeta_lite.experiments.checkpoint import load_pair
from stackmeta_lite.experiments.summaries import run_summary
from stackmeta_lite.games import solver
from stackmeta_lite.games.bigger import BIGGER_GAMES
from stackmeta_lite.games.game_file import game_to_dict


def _fails(argv, capsys, code=2):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["benchmark", "--seeds", "3-1"], "seed range '3-1' is empty: write it low-high, e.g. 1-3"),
        (["benchmark", "--seeds", "0,0"], r"seeds must be distinct; '0,0' repeats \[0\]"),
        (["benchmark", "--seeds", "0-3,2"], r"repeats \[2\]"),
        (["benchmark", "--seeds", "-1"], "seeds must look like 0-4 or 0,3,7"),
        (["benchmark", "--seeds", ""], "seeds must look like"),
        (["benchmark", "--seeds", "0-999999999"], "at most 100,000 seeds per command"),
        (["benchmark", "--games", "hero,hero"], "each game may appear once"),
        (["benchmark", "--workers", "0"], "--workers: must be an integer >= 1, got '0'"),
        (["solve", "--horizon", "0"], "--horizon: must be an integer >= 1, got '0'"),
        (["solve", "--horizon", "1.5"], "must be an integer >= 1, got '1.5'"),
        (["train", "--game", "all", "--out", "x.pt"], "give one game name"),
        (["train", "--game", "hero", "--seed", "0-2", "--out", "x.pt"], "give one seed"),
    ],
)
def test_bad_arguments_exit_2_naming_the_value(argv, message, capsys):
    assert re.search(message, _fails(argv, capsys))


def test_out_is_checked_before_computing(tmp_path, capsys, monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("computed before checking --out")

    monkeypatch.setattr(solver, "solve_iterated", must_not_run)
    monkeypatch.setattr(sweep, "run_sweep", must_not_run)
    err = _fails(["solve", "--out", str(tmp_path)], capsys)
    assert f"--out {tmp_path} is a directory; give a file name" in err
    err = _fails(["benchmark", "--out", "/sys/results.csv"], capsys)
    assert "directory of --out /sys is not writable" in err
    (tmp_path / "file").write_text("")
    err = _fails(["train", "--game", "hero", "--out", str(tmp_path / "file" / "p.pt")], capsys)
    assert "exists and is not a directory" in err


def test_a_huge_horizon_skips_the_class_the_solver_guard_refuses(capsys):
    assert main(["solve", "--games", "hero", "--horizon", "25000"]) == 0
    captured = capsys.readouterr()
    assert "skipped hero, stationary follower" in captured.err
    assert "would need about 1,172 MiB" in captured.err and "1,024 MiB" in captured.err
    values = pd.read_csv(io.StringIO(captured.out))
    assert set(values["follower_class"]) == {"time_aware"} and len(values) == 2


def test_a_game_no_follower_class_fits_is_refused(capsys):
    err = _fails(["solve", "--games", "hero", "--horizon", "2000000000"], capsys)
    assert "stationary follower" in err and "time_aware follower" in err


def _subparsers(root):
    (action,) = [a for a in root._actions if isinstance(a, argparse._SubParsersAction)]
    return action.choices


def test_help_shows_an_example_for_every_argument_and_one_program_name():
    root = parser()
    assert root.prog == PROG == "stackmeta-lite"
    help_text = root.format_help()
    assert "``" not in help_text and "examples:" in help_text
    for name, sub in _subparsers(root).items():
        assert sub.prog == f"stackmeta-lite {name}"
        text = sub.format_help()
        assert "``" not in text and "__main__" not in text
        for action in sub._actions:
            if action.dest != "help":
                assert "e.g." in (action.help or ""), (name, action.dest)


def test_benchmark_resumes_from_its_run_directory(tmp_path, capsys, monkeypatch):
    calls = []
    real_run = sweep.run_spec

    def counting_run(spec):
        calls.append(spec.seed)
        if spec.seed == 1 and len(calls) <= 2:
            raise MemoryError("injected")
        return real_run(spec)

    monkeypatch.setattr(sweep, "run_spec", counting_run)
    argv = ["benchmark", "--games", "hero", "--seeds", "0,1", "--backend", "serial"]
    argv += ["--runs", str(tmp_path / "runs"), "--out", str(tmp_path / "results.csv")]
    err = _fails(argv, capsys, code=1)
    assert "1 run(s) failed: (hero, 1, meta_ppo): MemoryError: injected" in err
    assert "rerun to retry" in err
    partial = pd.read_csv(tmp_path / "results.csv")
    assert set(partial["seed"]) == {0}  # the finished run was written despite the failure
    capsys.readouterr()
    assert main(argv) == 0
    assert calls == [0, 1, 1]  # the rerun skipped seed 0 and retried seed 1
    report = capsys.readouterr().err.splitlines()
    runs = run_summary(pd.read_csv(tmp_path / "results.csv"))
    at_optimum = f"{runs['success'].sum()}/2"
    assert re.fullmatch(r"\s*method\s+at the optimum\s+median steps", report[0]), report
    assert re.fullmatch(rf"\s*meta_ppo\s+{at_optimum}\s+\S.*", report[1]), report
    assert set(pd.read_csv(tmp_path / "results.csv")["seed"]) == {0, 1}


def test_train_saves_a_pair_that_evaluate_loads(tmp_path, capsys):
    path = tmp_path / "pair.pt"
    assert main(["train", "--game", "prisoners_dilemma", "--seed", "0", "--out", str(path)]) == 0
    trained = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"leader_table": str})
    iterated, follower, table = load_pair(path)
    assert iterated.game.name == "prisoners_dilemma" and len(table) == 5
    assert main(["evaluate", str(path)]) == 0
    evaluated = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"leader_table": str})
    pd.testing.assert_frame_equal(trained, evaluated)
    row = evaluated.iloc[0]
    assert row["leader_table"] == "".join(map(str, table))
    assert row["optimum"] == pytest.approx(3.1) and row["best_response_gap"] >= 0
    assert row["best_response_gap"] > 1e-9 or row["leader_value"] <= row["optimum"] + 1e-9
    path.write_text("not a checkpoint")
    assert "is not a readable stackmeta-lite checkpoint" in _fails(["evaluate", str(path)], capsys)


def test_solve_says_each_optimal_table_in_words(capsys):
    assert main(["solve", "--games", "prisoners_dilemma", "--horizon", "3"]) == 0
    captured = capsys.readouterr()
    table = pd.read_csv(io.StringIO(captured.out), dtype={"leader_table": str})
    first = table.iloc[0]
    head = f"prisoners_dilemma, {first['follower_class']} follower, {first['ties']} ties:"
    block = captured.err.split(head, 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    plays = [line.split()[-1] for line in block]
    assert plays == ["CD"[int(action)] for action in first["leader_table"]]
    assert block[0].split()[:2] == ["first", "step"] and "after (C, C)" in block[1]
    assert captured.err.count(" per step\n") == len(table) == 4


def test_bos_writes_rounded_rewards(capsys):
    assert main(["bos", "--seeds", "0"]) == 0
    text = capsys.readouterr().out
    rewards = [line.split(",")[3] for line in text.splitlines()[1:]]
    assert rewards and all(len(reward.partition(".")[2]) <= 6 for reward in rewards), rewards[:5]
    assert pd.read_csv(io.StringIO(text))["leader_reward"].between(0, 2).all()


def test_bos_runs_the_resets_asked_for_and_refuses_others_by_name(capsys):
    assert main(["bos", "--seeds", "0", "--resets", "update", "never"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(table["follower"].unique()) == ["reset", "continuous"]
    with pytest.raises(SystemExit) as exit_code:
        main(["bos", "--seeds", "0", "--resets", "sometimes"])
    assert exit_code.value.code == 2
    assert "unknown reset 'sometimes'; allowed: update, episode, never" in capsys.readouterr().err


def test_cli_solve_and_benchmark(tmp_path, capsys):
    assert main(["solve", "--games", "prisoners_dilemma"]) == 0
    out = capsys.readouterr().out
    assert "prisoners_dilemma,stationary,strong,3.1,6.0,10011" in out
    target = tmp_path / "results.csv"
    main(
        [
            "benchmark",
            "--games",
            "hero",
            "--seeds",
            "0",
            "--backend",
            "serial",
            "--out",
            str(target),
        ]
    )
    table = pd.read_csv(target)
    assert {"steps_with_queries", "steps_plain", "leader_value", "optimum"} <= set(table.columns)


def test_cli_rejects_bad_values(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["benchmark", "--games", "chess"])
    assert exit_info.value.code == 2
    assert "unknown game 'chess'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["benchmark", "--seeds", "a-b"])
    assert "seeds must look like 0-4" in capsys.readouterr().err


def test_help_and_version_do_not_load_torch():
    code = (
        "import sys\n"
        "from stackmeta_lite.cli import main\n"
        "for argv in (['--help'], ['--version'], ['benchmark', '--help']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "assert 'torch' not in sys.modules, 'the parser loaded torch'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "meta_ppo" in done.stdout and "stackmeta-lite" in done.stdout


def _game_file(path, **game):
    path.write_text(json.dumps(game))
    return str(path)


def test_solve_reads_your_own_game_from_a_file(tmp_path, capsys):
    mine = _game_file(
        tmp_path / "mine.json",
        name="my_dilemma",
        leader_payoffs=[[3, 1], [4, 2]],
        follower_payoffs=[[3, 4], [1, 2]],
    )
    assert main(["solve", "--game-file", mine, "--horizon", "3"]) == 0
    own = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"leader_table": str})
    assert main(["solve", "--games", "prisoners_dilemma", "--horizon", "3"]) == 0
    catalog = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"leader_table": str})
    assert set(own["game"]) == {"my_dilemma"}
    pd.testing.assert_frame_equal(own.drop(columns="game"), catalog.drop(columns="game"))


def test_solve_gives_a_3x3_game_its_time_aware_values_and_says_why_not_stationary(tmp_path, capsys):
    from stackmeta_lite.games.bigger import BIGGER_GAMES

    game = BIGGER_GAMES["inspection"]
    mine = _game_file(
        tmp_path / "inspection.json",
        name="my_inspection",
        leader_payoffs=game.leader_payoffs.tolist(),
        follower_payoffs=game.follower_payoffs.tolist(),
    )
    assert main(["solve", "--game-file", mine]) == 0
    captured = capsys.readouterr()
    values = pd.read_csv(io.StringIO(captured.out), dtype={"leader_table": str})
    assert set(values["follower_class"]) == {"time_aware"}
    by_ties = values.set_index("ties")["per_step"]
    assert by_ties["strong"] == pytest.approx(3.6) and by_ties["weak"] == pytest.approx(2.6)
    assert "skipped my_inspection, stationary follower" in captured.err
    assert "MAX_SOLVER_BYTES" in captured.err


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no game file at {path}"),
        ("{not json", "game file {path} is not readable JSON"),
        ("[[3, 1], [4, 2]]", r"game file {path}: a game must be an object with the keys"),
        ('{"name": "x", "leader_payoffs": [[1]]}', r"missing \['follower_payoffs'\]"),
        (
            '{"name": "x", "leader": [[1]], "leader_payoffs": [[1]], "follower_payoffs": [[1]]}',
            r"unknown \['leader'\]",
        ),
        (
            '{"name": "x", "leader_payoffs": [[1, 2], [3]], "follower_payoffs": [[1]]}',
            r"leader payoffs must be a 2-D array of numbers, got \[\[1, 2\], \[3\]\]",
        ),
        (
            '{"name": "x", "leader_payoffs": [[1, 2]], "follower_payoffs": [[1], [2]]}',
            r"leader payoffs have shape \(1, 2\) but follower payoffs have shape \(2, 1\)",
        ),
        (
            '{"name": "x", "leader_payoffs": [["a"]], "follower_payoffs": [[1]]}',
            r"must be a 2-D array of numbers \(real: no strings.*'a'",
        ),
    ],
)
def test_a_bad_game_file_is_refused_by_name_before_computing(
    tmp_path, capsys, monkeypatch, content, message
):
    def must_not_run(*args, **kwargs):
        raise AssertionError("computed before reading the game file")

    monkeypatch.setattr(solver, "solve_iterated", must_not_run)
    monkeypatch.setattr(sweep, "run_sweep", must_not_run)
    path = tmp_path / "game.json"
    if content is not None:
        path.write_text(content)
    message = message.format(path=re.escape(str(path)))
    for argv in (["solve"], ["benchmark"], ["train", "--out", str(tmp_path / "p.pt")]):
        err = _fails([*argv, "--game-file", str(path)], capsys)
        assert "argument --game-file: " in err and str(path) in err and re.search(message, err)


def test_a_game_file_replaces_the_game_names_and_a_3x3_game_is_refused_before_training(
    tmp_path, capsys
):
    path = _game_file(tmp_path / "inspection.json", **game_to_dict(BIGGER_GAMES["inspection"]))
    err = _fails(["benchmark", "--game-file", path, "--games", "hero"], capsys)
    assert "argument --games: not allowed with argument --game-file" in err
    err = _fails(["train", "--out", str(tmp_path / "p.pt")], capsys)
    assert "one of the arguments --game --game-file is required" in err
    err = _fails(["benchmark", "--game-file", path, "--seeds", "0", "--backend", "serial"], capsys)
    assert "a run on 'inspection'" in err and "MAX_SOLVER_BYTES = 1,024 MiB" in err
    err = _fails(["train", "--game-file", path, "--out", str(tmp_path / "p.pt")], capsys)
    assert "training a pair on 'inspection'" in err and "MAX_SOLVER_BYTES" in err
    assert not (tmp_path / "p.pt").exists()


def test_train_saves_your_own_game_in_the_pair(tmp_path, capsys):
    game = _game_file(
        tmp_path / "mine.json",
        name="my_dilemma",
        leader_payoffs=[[3, 1], [4, 2]],
        follower_payoffs=[[3, 4], [1, 2]],
    )
    path = tmp_path / "pair.pt"
    assert main(["train", "--game-file", game, "--out", str(path)]) == 0
    trained = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"leader_table": str})
    assert trained["game"].item() == "my_dilemma" and trained["optimum"].item() == 3.1
    assert load_pair(path)[0].game.name == "my_dilemma"
