import numpy as np
import pytest

from stackmeta_lite.games.bimatrix import from_cells
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.games.solver import best_responses
from stackmeta_lite.learners.pg import PGConfig
from stackmeta_lite.learners.policy import CategoricalPolicy
from stackmeta_lite.method.followers import (
    KINDS,
    CriticConfig,
    GradientConfig,
    ModelConfig,
    ModelFollower,
    ReplySearch,
    SearchConfig,
    follower_kind,
)
from stackmeta_lite.method.followers.base import reply_codes, shuffled_rounds
from stackmeta_lite.method.followers.critic import ActorCritic
from stackmeta_lite.method.followers.gradient import train_gradient
from stackmeta_lite.method.pretrain import pretrain_follower, table_gaps


def test_reply_search_is_exact_on_every_table_and_stops_by_itself():
    iterated = IteratedGame("prisoners_dilemma")
    result = pretrain_follower(iterated, SearchConfig(), seed=3, record_every=1500)
    assert result.follower.finished().all()
    assert (table_gaps(result.follower, iterated) == 0.0).all()
    assert result.history[-1]["tables_exact"] == 32
    # Far fewer episodes than trying each of the 32 replies on each of the 32 tables.
    episodes = result.steps.with_queries // 15
    assert episodes < 32 * 32 / 2
    assert result.steps.plain == episodes * 10
    # The curve rises to 32 and is measured along the way.
    exact = [row["tables_exact"] for row in result.history]
    assert len(exact) >= 3 and exact[0] < 32


def test_one_episode_teaches_the_return_of_every_reply_on_the_same_path():
    iterated = IteratedGame("chicken", horizon=3)
    search = ReplySearch(iterated)
    context = np.array([0])  # the leader always plays C
    (value,) = search.play(context, np.array([0]))  # the follower always plays C
    # Three steps of (C, C) visit only the start state and state 1; the other three states'
    # actions do not matter, so 2**3 replies are known after one episode.
    assert value == 3 * 3
    assert np.isfinite(search.returns[0]).sum() == 8
    replies = iterated.follower_tables()
    assert (replies[np.isfinite(search.returns[0])][:, :2] == 0).all()


def test_the_search_finds_the_exact_best_reply_of_a_random_game():
    rng = np.random.default_rng(7)
    cells = tuple(tuple(map(float, cell)) for cell in rng.integers(-5, 6, (4, 2)))
    iterated = IteratedGame(from_cells("random", cells), horizon=6)
    follower = pretrain_follower(iterated, SearchConfig(max_steps=10**6), seed=0).follower
    tables = iterated.leader_tables()
    _, _, best = best_responses(iterated, tables)
    found = np.nanmax(follower.returns, axis=1)
    np.testing.assert_allclose(found, best)


def test_a_step_budget_stops_the_search_early():
    iterated = IteratedGame("stag_hunt")
    result = pretrain_follower(iterated, SearchConfig(max_steps=1500), seed=0)
    assert result.steps.with_queries == 1500
    assert not result.follower.finished().all()


def test_shuffled_rounds_visit_every_context_once_per_round():
    draws = shuffled_rounds(np.arange(32), np.random.default_rng(0))
    rounds = np.array([next(draws) for _ in range(96)]).reshape(3, 32)
    assert all(sorted(r) == list(range(32)) for r in rounds)
    assert not np.array_equal(rounds[0], rounds[1])


def test_gradient_follower_learns_and_is_reproducible():
    iterated = IteratedGame("harmony", horizon=3)
    config = GradientConfig(lr=0.1, max_steps=6000)
    a = pretrain_follower(iterated, config, seed=5)
    b = pretrain_follower(iterated, config, seed=5)
    c = pretrain_follower(iterated, config, seed=6)
    np.testing.assert_array_equal(a.follower.probabilities(), b.follower.probabilities())
    assert not np.array_equal(a.follower.probabilities(), c.follower.probabilities())
    assert a.steps.with_queries == (6000 // 16) * 16  # batches of 2 episodes of 3 + 5 steps
    defector = CategoricalPolicy(iterated.n_follower_observations, 2)
    defector.net.weight.data[1] = 1.0  # starts by always defecting
    before = table_gaps(defector, iterated).mean()
    train_gradient(defector, iterated, config, np.random.default_rng(0))
    assert before > 0.3 and table_gaps(defector, iterated).mean() < before / 2


def test_model_follower_plans_exact_replies_once_it_has_seen_every_cell():
    iterated = IteratedGame("hero")
    result = pretrain_follower(iterated, ModelConfig(), seed=0)
    assert not np.isnan(result.follower.payoffs).any()
    np.testing.assert_array_equal(result.follower.payoffs, iterated.game.follower_payoffs)
    assert (table_gaps(result.follower, iterated) == 0.0).all()
    assert result.steps.with_queries <= 5 * 15


def test_reply_codes_index_the_follower_tables():
    iterated = IteratedGame("battle")
    replies = iterated.follower_tables()
    np.testing.assert_array_equal(reply_codes(iterated, replies), np.arange(len(replies)))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: SearchConfig(episodes_per_batch=0), "episodes_per_batch must be an integer >= 1"),
        (lambda: SearchConfig(max_steps=-5), "max_steps must be an integer >= 1, got -5"),
        (lambda: GradientConfig(lr=0.0), r"lr must lie in \(0.0, inf\], got 0.0"),
        (lambda: GradientConfig(baseline_rate=2.0), r"baseline_rate must lie in \(0.0, 1.0\]"),
        (lambda: ModelConfig(max_steps=0), "max_steps must be an integer >= 1, got 0"),
        (
            lambda: pretrain_follower(IteratedGame("hero"), "search"),
            "a follower config must be one of SearchConfig, PGConfig, GradientConfig, "
            "CriticConfig, ModelConfig",
        ),
    ],
)
def test_bad_follower_configs_raise_clear_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_the_papers_pg_follower_is_still_available():
    iterated = IteratedGame("harmony", horizon=3)
    result = pretrain_follower(iterated, PGConfig(iterations=5), seed=0)
    assert isinstance(result.follower, CategoricalPolicy)
    assert result.steps.with_queries == 5 * 13 * 8  # 8 episodes of 3 + 5 steps per batch


def test_every_follower_learner_has_one_kind_and_pretrains_through_it():
    assert [kind.name for kind in KINDS.values()] == [
        "reply search",
        "paper's PG",
        "tuned gradient",
        "actor-critic",
        "model-based reference",
    ]
    iterated = IteratedGame("harmony", horizon=2)
    learners = {
        SearchConfig(): ReplySearch,
        PGConfig(iterations=2): CategoricalPolicy,
        GradientConfig(max_steps=200): CategoricalPolicy,
        CriticConfig(max_steps=200): ActorCritic,
        ModelConfig(): ModelFollower,
    }
    for config, learner in learners.items():
        follower = pretrain_follower(iterated, config, seed=1).follower
        assert type(follower) is learner
        assert follower.greedy().shape == (iterated.n_follower_observations,)
    with pytest.raises(ValueError, match="got 'search'"):
        follower_kind("search")
