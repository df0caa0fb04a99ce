import json

import numpy as np
import pytest
import torch

from stackmeta_lite.experiments.checkpoint import load_pair, save_pair
from stackmeta_lite.games.bimatrix import BimatrixGame, make_game
from stackmeta_lite.games.game_file import game_from_dict, game_to_dict
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.learners.pg import PGConfig
from stackmeta_lite.learners.policy import CategoricalPolicy
from stackmeta_lite.method.pretrain import pretrain_follower

PD = IteratedGame(make_game("prisoners_dilemma"))
TABLE = np.array([1, 0, 0, 1, 1])


@pytest.fixture(scope="module")
def trained():
    """A briefly trained table follower and a trained MLP follower of the PD."""
    table = pretrain_follower(PD, PGConfig(iterations=5, batch_steps=30), seed=1).follower
    mlp = pretrain_follower(PD, PGConfig(iterations=5, batch_steps=30, hidden=8), seed=1).follower
    return table, mlp


@pytest.mark.parametrize("kind", [0, 1], ids=["table", "mlp"])
def test_round_trip_restores_every_weight(tmp_path, trained, kind):
    follower = trained[kind]
    save_pair(tmp_path / "pair.pt", PD, follower, TABLE)  # no `hidden` to pass
    iterated, loaded, table = load_pair(tmp_path / "pair.pt")
    assert iterated == PD
    np.testing.assert_array_equal(table, TABLE)
    before, after = follower.state_dict(), loaded.state_dict()
    assert before.keys() == after.keys()
    for name in before:
        assert torch.equal(before[name], after[name]), name
    np.testing.assert_array_equal(loaded.probabilities(), follower.probabilities())


def test_round_trip_keeps_the_reply_search_follower_as_its_greedy_table(tmp_path):
    follower = pretrain_follower(PD, seed=3).follower  # the default learner: the reply search
    save_pair(tmp_path / "pair.pt", PD, follower, TABLE)
    _, loaded, _ = load_pair(tmp_path / "pair.pt")
    np.testing.assert_array_equal(loaded.greedy(), follower.greedy())
    assert loaded.greedy().shape == (PD.n_follower_observations,)


def test_load_refuses_a_greedy_table_out_of_range(tmp_path):
    follower = pretrain_follower(PD, seed=3).follower
    save_pair(tmp_path / "pair.pt", PD, follower, TABLE)
    data = torch.load(tmp_path / "pair.pt", weights_only=True)
    data["follower"]["greedy_table"][7] = 2  # a 2x2 follower has actions 0 and 1
    torch.save(data, tmp_path / "pair.pt")
    with pytest.raises(ValueError, match=r"greedy table actions must lie in \[0, 2\)"):
        load_pair(tmp_path / "pair.pt")


def test_save_refuses_what_could_not_be_loaded(tmp_path, trained):
    other = IteratedGame(BimatrixGame(np.zeros((3, 2)), np.zeros((3, 2))))
    with pytest.raises(ValueError, match=r"do not fit this game's follower \(15309 observations"):
        save_pair(tmp_path / "p.pt", other, trained[0], np.zeros(7, int))
    broken = CategoricalPolicy(PD.n_follower_observations, 2)
    with torch.no_grad():
        broken.net.weight[0, 3] = float("nan")
    with pytest.raises(ValueError, match="follower weight 'net.weight' contains NaN"):
        save_pair(tmp_path / "p.pt", PD, broken, TABLE)
    with pytest.raises(ValueError, match=r"leader table must have shape \(5,\)"):
        save_pair(tmp_path / "p.pt", PD, trained[0], np.zeros((2, 5), int))
    with pytest.raises(ValueError, match=r"leader actions must lie in \[0, 2\)"):
        save_pair(tmp_path / "p.pt", PD, trained[0], [0, 0, 2, 0, 0])
    with pytest.raises(ValueError, match="follower must be a CategoricalPolicy"):
        save_pair(tmp_path / "p.pt", PD, "follower", TABLE)
    assert not (tmp_path / "p.pt").exists()


def _write(tmp_path, data):
    path = tmp_path / "bad.pt"
    torch.save(data, path)
    return path


def _valid(follower):
    return {
        "format": 1,
        "game": {
            "name": "prisoners_dilemma",
            "leader_payoffs": PD.game.leader_payoffs.tolist(),
            "follower_payoffs": PD.game.follower_payoffs.tolist(),
            "leader_actions": ["C", "D"],
            "follower_actions": ["C", "D"],
            "offset": 2.5,
        },
        "horizon": 10,
        "follower": {name: t.clone() for name, t in follower.state_dict().items()},
        "leader_table": TABLE.tolist(),
    }


def test_load_says_what_is_wrong(tmp_path, trained):
    with pytest.raises(FileNotFoundError, match="no checkpoint at"):
        load_pair(tmp_path / "missing.pt")
    empty = tmp_path / "empty.pt"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match=r"empty.pt is empty \(0 bytes\)"):
        load_pair(empty)
    text = tmp_path / "notes.pt"
    text.write_text("these are my notes, not a checkpoint\n")
    with pytest.raises(ValueError, match="notes.pt is not a readable stackmeta-lite checkpoint"):
        load_pair(text)
    with pytest.raises(ValueError, match="holds a list, not a pair"):
        load_pair(_write(tmp_path, [1, 2]))
    data = _valid(trained[0])
    del data["game"]
    with pytest.raises(ValueError, match=r"lacks the key\(s\) \['game'\]"):
        load_pair(_write(tmp_path, data))
    data = _valid(trained[0])
    data["follower"]["net.weight"][1, 7] = float("nan")
    with pytest.raises(ValueError, match="invalid: follower weight 'net.weight' contains NaN"):
        load_pair(_write(tmp_path, data))
    data = _valid(trained[0])
    data["game"]["leader_payoffs"] = np.zeros((3, 2)).tolist()
    with pytest.raises(ValueError, match="invalid: leader payoffs have shape"):
        load_pair(_write(tmp_path, data))
    data = _valid(trained[1])
    data["follower"]["net.2.weight"] = torch.zeros(3, 8)  # three actions in a 2-action game
    with pytest.raises(ValueError, match="do not fit this game's follower"):
        load_pair(_write(tmp_path, data))
    data = _valid(trained[0])
    data["leader_table"] = [0, 1]
    with pytest.raises(ValueError, match="invalid: a leader table needs one action per state"):
        load_pair(_write(tmp_path, data))
    data = _valid(trained[0])
    data["horizon"] = 0
    with pytest.raises(ValueError, match="invalid: horizon must be an integer >= 1"):
        load_pair(_write(tmp_path, data))


def test_a_malicious_pickle_is_refused(tmp_path):
    class Exploit:
        def __reduce__(self):
            return (print, ("pwned",))

    path = tmp_path / "evil.pt"
    torch.save({"x": Exploit()}, path)
    with pytest.raises(ValueError, match="not a readable stackmeta-lite checkpoint"):
        load_pair(path)


def test_an_interrupted_save_keeps_the_previous_pair(tmp_path, trained, monkeypatch):
    path = tmp_path / "pair.pt"
    save_pair(path, PD, trained[0], TABLE)
    before = path.read_bytes()

    def half_then_crash(data, file):
        file.write(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", half_then_crash)
    with pytest.raises(KeyboardInterrupt):
        save_pair(path, PD, trained[1], TABLE)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["pair.pt"]


def test_a_custom_game_round_trips_whole(tmp_path):
    game = BimatrixGame(
        [[1, 5], [2, 0], [4, 4]],
        [[0, 1], [3, 2], [1, 0]],
        name="my market",
        leader_actions=("low", "middle", "high"),
        follower_actions=("buy", "wait"),
        offset=1.5,
    )
    assert game_from_dict(json.loads(json.dumps(game_to_dict(game)))) == game  # the file format
    iterated = IteratedGame(game, horizon=4)
    follower = pretrain_follower(iterated, PGConfig(iterations=2, batch_steps=30), seed=0).follower
    save_pair(tmp_path / "pair.pt", iterated, follower, np.array([2, 0, 1, 0, 1, 2, 0]))
    loaded, _, table = load_pair(tmp_path / "pair.pt")
    assert loaded == iterated and loaded.game.follower_actions == ("buy", "wait")
    np.testing.assert_array_equal(table, [2, 0, 1, 0, 1, 2, 0])
