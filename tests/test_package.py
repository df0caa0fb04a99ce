"""The package's top level: light to import, with the names readers use loaded on first use."""

import subprocess
import sys

import pytest

import stackmeta_lite
from stackmeta_lite.display import plotting
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.method.leader import train_leader


def test_reader_names_are_the_package_objects():
    assert stackmeta_lite.IteratedGame is IteratedGame
    assert stackmeta_lite.train_leader is train_leader
    assert stackmeta_lite.plotting is plotting
    assert set(stackmeta_lite.__all__) >= {"__version__", "make_game", "run_sweep"}
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        stackmeta_lite.nope  # noqa: B018


def test_importing_the_package_loads_no_learner():
    code = "import sys, stackmeta_lite; assert 'torch' not in sys.modules, sorted(sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-500:]
