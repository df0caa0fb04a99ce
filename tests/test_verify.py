"""The paper's verification: fine-tuning on the frozen leader flags a wrong follower."""

import numpy as np
import pytest

from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.method.followers import (
    SearchConfig,
)
from stackmeta_lite.method.pretrain import pretrain_follower
from stackmeta_lite.method.verify import verify


def test_verification_catches_a_wrong_follower_and_counts_its_steps():
    iterated = IteratedGame("prisoners_dilemma")
    follower = pretrain_follower(iterated, SearchConfig(), seed=0).follower
    leader = np.array([0, 0, 0, 1, 1])  # tit-for-tat: the follower should cooperate
    good = verify(follower, iterated, leader, SearchConfig())
    assert good.best_responding and good.finetune_improvement == 0.0
    assert good.steps.with_queries > 0 and good.steps.plain * 3 == good.steps.with_queries * 2
    # Break the follower's reply to this one table: always defect.
    context = iterated.context(leader)
    follower.returns[context] = np.where(iterated.follower_tables().sum(1) == 5, 99.0, 0.0)
    bad = verify(follower, iterated, leader, SearchConfig())
    assert not bad.best_responding
    assert bad.finetune_improvement == pytest.approx(bad.exact_gap) and bad.exact_gap > 0
