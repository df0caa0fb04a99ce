"""The paper's Appendix B: Battle of the Sexes with a Q-learner reset every leader update (the
paper's), every leader episode, or never."""

import pandas as pd
import pytest

from stackmeta_lite.experiments.bos import battle_of_the_sexes, battle_of_the_sexes_run, outcomes


def test_battle_of_the_sexes_runs_every_reset_and_is_seeded():
    results = battle_of_the_sexes(seeds=[0, 1])
    final = outcomes(results).set_index(["follower", "seed"])["outcome"]
    assert set(results["follower"]) == {"reset", "episode reset", "continuous"}
    assert (final["episode reset"] == "stackelberg").all()
    # the paper's per-update reset learns against the batch's mix of leader actions: seed 1 ends
    # at the follower's equilibrium, where the per-episode reset does not
    assert final["reset"].tolist() == ["stackelberg", "follower's equilibrium"]
    again = battle_of_the_sexes(seeds=[1], resets="update")
    expected = results[(results["follower"] == "reset") & (results["seed"] == 1)]
    pd.testing.assert_frame_equal(again, expected.reset_index(drop=True))


def test_the_papers_per_update_reset_is_the_default():
    default = battle_of_the_sexes_run(0)
    assert set(default["follower"]) == {"reset"}
    pd.testing.assert_frame_equal(default, battle_of_the_sexes_run(0, "update"))
    assert not default["leader_reward"].equals(
        battle_of_the_sexes_run(0, "episode")["leader_reward"]
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: battle_of_the_sexes_run(0, True), r"reset must be a string, one of: update, "),
        (
            lambda: battle_of_the_sexes([0], ["update", "sometimes"]),
            "unknown reset 'sometimes'; allowed: update, episode, never",
        ),
        (lambda: battle_of_the_sexes([0], ["never", "never"]), "resets must be distinct"),
    ],
)
def test_a_bad_reset_is_refused_by_name(call, message):
    with pytest.raises(ValueError, match=message):
        call()
