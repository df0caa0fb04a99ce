"""The methods an experiment can run, as data: which leader learner, against which opponent and
which follower learner, committing how, with which presets of ``stackmeta_lite.method.presets``.

The paper's method (``meta_ppo``, ``meta_pg``, ``meta_dqn``) pre-trains the paper's follower, a
contextual policy learned by policy gradient (``PAPER_FOLLOWER_PG``). ``search_ppo`` swaps in the
exhaustive reply search (``SEARCH_FOLLOWER``): a reference, exact for 2x2 games, not the paper's
method.

Plain data (no torch), so the command line lists the methods without loading the learners.
"""

from __future__ import annotations

from dataclasses import dataclass

from stackmeta_lite.common.validation import check_choice

OPPONENTS: tuple[str, ...] = ("meta", "qlearn")
"""``meta``: a pre-trained, frozen contextual follower (Algorithm 1's structure); ``qlearn``: a
fresh Q-learner trained against every leader episode (the PPO+Q-learn baseline)."""
COMMITMENTS: tuple[str, ...] = ("step", "table")
"""``step``: the leader answers the queries, then acts step by step (the paper's); ``table``:
it commits to one sampled table per episode (our ablation)."""


@dataclass(frozen=True)
class Method:
    """One row of the methods table."""

    name: str
    algorithm: str  # the leader learner: pg, ppo or dqn
    opponent: str  # one of OPPONENTS
    commitment: str  # one of COMMITMENTS
    preset: str  # name of the default leader config in ``presets``
    label: str  # legend name
    follower: str = "PAPER_FOLLOWER_PG"  # the default follower config in ``presets`` (meta only)
    repairs: int = 0  # meta only: times a failed verification is repaired (see ``experiments.run``)
    continual: int = 0  # meta + table only: follower updates per leader update (method.continual)

    def __post_init__(self) -> None:
        if self.continual and (self.opponent, self.commitment) != ("meta", "table"):
            raise ValueError(
                f"method {self.name!r}: continual training needs the meta opponent and table "
                f"commitment, got {self.opponent!r} and {self.commitment!r}"
            )

    def leader_preset(self) -> object:
        """The default leader config (loads the learners)."""
        return _preset(self.preset)

    def follower_preset(self) -> object:
        """The default follower config of a ``meta`` method (loads the learners)."""
        return _preset(self.follower)


def _preset(name: str) -> object:
    """The config called ``name`` in ``presets``, imported on first use (it loads torch)."""
    from stackmeta_lite.method import presets

    return getattr(presets, name)


METHODS: dict[str, Method] = {
    method.name: method
    for method in (
        Method("meta_ppo", "ppo", "meta", "step", "LEADER_PPO", "PPO + meta-RL follower (paper)"),
        Method("meta_pg", "pg", "meta", "step", "LEADER_PG", "PG + meta-RL follower (paper)"),
        Method("meta_dqn", "dqn", "meta", "step", "LEADER_DQN", "DQN + meta-RL follower (paper)"),
        Method(
            "meta_ppo_ac",
            "ppo",
            "meta",
            "table",
            "LEADER_PPO",
            "PPO playing its answers + actor-critic meta-RL follower (ours)",
            "CRITIC_FOLLOWER",
            repairs=2,
        ),
        Method(
            "meta_ppo_ac_continual",
            "ppo",
            "meta",
            "table",
            "LEADER_PPO_CONTINUAL",
            "PPO playing its answers + actor-critic follower that keeps training (ours)",
            "CRITIC_FOLLOWER",
            repairs=2,
            continual=1,
        ),
        Method(
            "search_ppo",
            "ppo",
            "meta",
            "step",
            "LEADER_PPO",
            "PPO + exhaustive reply search (reference)",
            "SEARCH_FOLLOWER",
        ),
        Method(
            "meta_ppo_table",
            "ppo",
            "meta",
            "table",
            "LEADER_PPO",
            "PPO committing to a table + meta-RL follower (ablation)",
        ),
        Method(
            "meta_pg_table",
            "pg",
            "meta",
            "table",
            "LEADER_PG",
            "PG committing to a table + meta-RL follower (ablation)",
        ),
        Method(
            "meta_dqn_table",
            "dqn",
            "meta",
            "table",
            "LEADER_DQN",
            "DQN committing to a table + meta-RL follower (ablation)",
        ),
        Method(
            "ppo_qlearn", "ppo", "qlearn", "step", "BASELINE_PPO", "PPO + Q-learn (Brero et al.)"
        ),
        Method(
            "ppo_qlearn_table",
            "ppo",
            "qlearn",
            "table",
            "BASELINE_PPO",
            "PPO committing to a table + Q-learn (ablation)",
        ),
    )
}


def method_named(name: str) -> Method:
    """The method called ``name``, or a ValueError naming the known methods."""
    check_choice("method", name, tuple(METHODS))
    return METHODS[name]
