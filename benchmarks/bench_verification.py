"""The power of the paper's verification: how often it flags a follower that is not best-responding
to the trained leader, and how often it flags one that is (false alarms).

The pairs are those of the committed ``meta_ppo`` runs
(stackmeta_lite/data/results/runs_meta_ppo.csv):
the paper's PG follower, pre-trained with the run's seed (deterministic, so the same follower),
and the run's final leader table. Each pair is verified as it is and with deliberately wrong
followers: the follower's reply at the leader table's context flipped (its logits rolled by one
action, so it is as confident in the wrong action) in every state, or in one state. Whether a
follower is wrong is measured exactly (its stationary best-response gap); verification is the
paper's (50 PG iterations against the frozen leader, flagged when the greedy return improves).

The same corruptions of the reply search's follower (``search_ppo``'s) show that its verification,
a fresh exhaustive reply search, cannot miss in 2x2 games. Our actor-critic (``critic``, on the
final tables of the committed ``meta_ppo_ac`` runs, its pre-trained follower) is corrupted in
both parts: the actor's logits and the critic's values are rolled alike, so it is as sure of the
wrong action as it was of its own; its verification is 50 updates of its own rule, afresh
(``critic``, the method's) or on the follower as it is (``critic_as_is``, the paper's way).

Run: python benchmarks/bench_verification.py [--seeds 1000-1019] [--learners paper_pg ...]
(the rows of learners not given are kept)
Writes stackmeta_lite/data/results/verification_power.csv (one row per verified pair) and
verification_summary.csv (flag rates per follower learner, corruption and truth).
"""

from __future__ import annotations

import argparse
from copy import deepcopy
from dataclasses import replace

import numpy as np
import pandas as pd
import torch

from stackmeta_lite.cli import _seeds
from stackmeta_lite.common import data
from stackmeta_lite.common.files import write_csv
from stackmeta_lite.games.bimatrix import make_game
from stackmeta_lite.games.iterated import IteratedGame
from stackmeta_lite.learners import torch_threads
from stackmeta_lite.learners.policy import CategoricalPolicy
from stackmeta_lite.method.followers import GreedyFollower
from stackmeta_lite.method.followers.critic import ActorCritic
from stackmeta_lite.method.presets import CRITIC_FOLLOWER, PAPER_FOLLOWER_PG, SEARCH_FOLLOWER
from stackmeta_lite.method.pretrain import pretrain_follower
from stackmeta_lite.method.verify import verify

RESULTS = data.RESULTS
LEARNERS = {
    "paper_pg": PAPER_FOLLOWER_PG,
    "search": SEARCH_FOLLOWER,
    "critic": CRITIC_FOLLOWER,
    "critic_as_is": replace(CRITIC_FOLLOWER, verify_afresh=False),
}
RUNS = {"paper_pg": "runs_meta_ppo.csv", "search": "runs_meta_ppo.csv"}
RUNS |= {"critic": "runs_meta_ppo_ac.csv", "critic_as_is": "runs_meta_ppo_ac.csv"}


def flipped(follower, iterated: IteratedGame, context: int, states: list[int]):
    """A copy of ``follower`` whose greedy reply at ``context`` is moved to the next action in
    ``states``: a table policy's logits rolled by one action (as confident in the wrong action
    as it was in its own; where the logits tie, the next action just ahead), an actor-critic's
    logits and values rolled alike, a greedy table's action + 1."""
    observations = iterated.follower_observation(np.array(states), context)
    target = (follower.greedy()[observations] + 1) % iterated.n_follower_actions
    if isinstance(follower, ActorCritic):
        wrong = deepcopy(follower)
        wrong.logits[observations] = _rolled_to(wrong.logits[observations], target)
        wrong.q[:, observations] = np.roll(wrong.q[:, observations], 1, axis=-1)
        return wrong
    if isinstance(follower, CategoricalPolicy):
        wrong = deepcopy(follower)
        with torch.no_grad():
            weight = wrong.net.weight  # (actions, observations)
            rolled = _rolled_to(weight[:, observations].T.numpy(), target)
            weight[:, observations] = torch.from_numpy(rolled.T.copy())
        return wrong
    table = np.array(follower.greedy())
    table[observations] = target
    return GreedyFollower(table)


def _rolled_to(logits: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Rows of ``logits`` rolled by one action; where that leaves a tie, ``target`` just ahead."""
    rolled = np.roll(logits, 1, axis=-1)
    rows = np.arange(len(rolled))
    tied = rolled.argmax(-1) != target
    rolled[rows[tied], target[tied]] = rolled[tied].max(-1) + 1e-3
    return rolled


def corruptions(iterated: IteratedGame) -> list[tuple[str, list[int]]]:
    """None, every state, then each state alone: the states whose reply is flipped."""
    states = list(range(iterated.n_states))
    return [("none", []), ("all_states", states)] + [(f"state_{s}", [s]) for s in states]


def logit_margin(follower, iterated: IteratedGame, context: int, states: list[int]) -> float:
    """The smallest gap between a table policy's two largest logits at the flipped
    observations (how far verification's fine-tuning must move a logit to undo the flip)."""
    observations = iterated.follower_observation(np.array(states), context)
    if states and isinstance(follower, ActorCritic):
        logits = follower.logits[observations].T
    elif states and isinstance(follower, CategoricalPolicy):
        logits = follower.net.weight.detach().numpy()[:, observations]
    else:
        return float("nan")
    top = np.sort(logits, axis=0)
    return float((top[-1] - top[-2]).min())


def measure(learner: str, game: str, seed: int, leader_table: np.ndarray) -> list[dict]:
    iterated = IteratedGame(make_game(game))
    context = int(iterated.context(leader_table[None])[0])
    config = LEARNERS[learner]
    follower = pretrain_follower(iterated, config, seed).follower
    rows = []
    for corruption, states in corruptions(iterated):
        candidate = flipped(follower, iterated, context, states) if states else follower
        check = verify(candidate, iterated, leader_table, config, seed)
        rows.append(
            {
                "game": game,
                "seed": seed,
                "learner": learner,
                "corruption": corruption,
                "exact_gap": check.exact_gap,
                "wrong": not check.best_responding,
                "finetune_improvement": check.finetune_improvement,
                "flagged": not check.passed,
                "logit_margin": logit_margin(follower, iterated, context, states),
                "verify_steps_with_queries": check.steps.with_queries,
            }
        )
    return rows


def summary(power: pd.DataFrame) -> pd.DataFrame:
    """Flag rates per learner, corruption kind (none, all states, one state) and truth."""
    kind = power["corruption"].where(~power["corruption"].str.startswith("state_"), "one_state")
    grouped = power.assign(corruption=kind).groupby(["learner", "corruption", "wrong"])
    return grouped.agg(
        pairs=("flagged", "size"),
        flag_rate=("flagged", "mean"),
        median_logit_margin=("logit_margin", "median"),
    ).reset_index()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=_seeds, default=_seeds("1000-1019"))
    parser.add_argument("--learners", nargs="+", choices=list(LEARNERS), default=list(LEARNERS))
    args = parser.parse_args()
    rows = []
    with torch_threads(1):
        for learner in args.learners:
            runs = pd.read_csv(RESULTS / RUNS[learner], dtype={"leader_table": str})
            last = runs.groupby(["game", "seed"], sort=False).tail(1)
            for run in last[last["seed"].isin(args.seeds)].itertuples():
                table = np.array([int(a) for a in run.leader_table])
                rows += measure(learner, run.game, run.seed, table)
    power = pd.DataFrame(rows)
    kept = RESULTS / "verification_power.csv"
    if kept.exists():
        earlier = pd.read_csv(kept)
        power = pd.concat([earlier[~earlier["learner"].isin(args.learners)], power])
    write_csv(power, RESULTS / "verification_power.csv")
    table = summary(power)
    write_csv(table, RESULTS / "verification_summary.csv")
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
