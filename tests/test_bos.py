"""The paper's Appendix B: Battle of the Sexes with a reset or a continuous Q-learner."""

import pandas as pd

from stackmeta_lite.experiments.bos import battle_of_the_sexes, outcomes


def test_battle_of_the_sexes_reset_reaches_stackelberg():
    results = battle_of_the_sexes(seeds=[0, 1])
    final = outcomes(results)
    reset = final[final["follower"] == "reset"]
    assert (reset["outcome"] == "stackelberg").all()
    assert set(final["follower"]) == {"reset", "continuous"}
    pd.testing.assert_frame_equal(results, battle_of_the_sexes(seeds=[0, 1]))
