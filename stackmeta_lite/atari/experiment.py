"""The paper's method on the bullet trade (its Figure 2), for either leader order.

Phase 1 pre-trains the contextual follower against uniformly random leader answers (new ones each
game); phase 2 trains the leader against that follower, frozen and greedy; phase 3 verifies: a
fresh follower is trained on the frozen greedy leader alone, and the pair passes if its greedy
response, where it decides, is the pre-trained follower's. A direct check also replays the
evaluation games with each pure follower response to the learned leader (``best_response_gap``,
follower reward per game).

Only trade choices are learned: the scripted AimShooter shoots for both players, because the
Stackelberg structure lies in the trade and learning to shoot is beyond a CPU budget. A follower
decision is credited with its bullet's credit (price plus that bullet's kills, see ``ledger``); a
leader's answers are credited with its whole game's reward.

Units: prices and rewards in reward units (rewards per game); steps are emulator agent steps
(frame skip 4), counted per phase; the leader's query answers are not env steps.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch

from stackmeta_lite.atari.ledger import Game, play_trade_game
from stackmeta_lite.atari.orders import ORDERS, Order
from stackmeta_lite.atari.trade_only import TradeOnlyEnv
from stackmeta_lite.common.validation import check_bool, check_choice, check_positive_int
from stackmeta_lite.learners import OPTIMIZERS
from stackmeta_lite.learners.pg import PGConfig, pg_update
from stackmeta_lite.learners.policy import CategoricalPolicy, sample_actions

Batch = list[tuple[np.ndarray, Game]]
"""Games of one update, each with the leader answers it was played under."""
PHASES: tuple[str, ...] = ("pretrain", "leader", "eval", "verify", "verify_eval")
"""Curve phases in run order; ``eval`` and ``verify_eval`` also count the best-response replays."""
TRAINING, VERIFICATION = ("pretrain", "leader"), ("verify",)
"""Phases whose games are training, and the phase-3 verification's."""


@dataclass(frozen=True)
class TradeBudget:
    """The three phases as PG configs (``batch_steps`` in agent steps, rounded up to whole games;
    ``iterations`` = updates; ``gamma`` unused, credits are per bullet), the leader's optimizer
    (the followers use Adam) and the greedy evaluation games after phase 2."""

    follower: PGConfig
    leader: PGConfig
    verify: PGConfig
    eval_games: int
    leader_optimizer: str = "adam"

    def __post_init__(self) -> None:
        check_positive_int("eval_games", self.eval_games)
        check_choice("leader_optimizer", self.leader_optimizer, tuple(OPTIMIZERS))


def budget_for(order: str, ci: bool) -> TradeBudget:
    """One seed's budget: ``ci`` 1-3 min, full 6-10 min seller-led, 8-10 min buyer-led (on a busy
    shared core; a free core is 3-4x faster).

    The buyer-led follower has 32 contexts to learn, the seller-led one 6, so it pre-trains longer.
    The buyer-led leader must learn to accept 0.25 before it settles on accepting 0.5, which Adam's
    equal-sized steps rarely allow; plain SGD, whose steps follow the gradient's size, does.
    """
    check_choice("order", order, tuple(ORDERS))
    check_bool("ci", ci)
    game = 230  # agent steps in a typical game of the default market

    def pg(iterations: int, games: int, lr: float = 0.3) -> PGConfig:
        return PGConfig(
            lr=lr, batch_steps=game * games, iterations=iterations, baseline="observation"
        )

    if order == "seller":
        if ci:
            return TradeBudget(pg(12, 3), pg(8, 3), pg(4, 2), eval_games=2)
        return TradeBudget(pg(30, 4), pg(25, 4), pg(8, 2), eval_games=6)
    if ci:
        return TradeBudget(pg(30, 3), pg(30, 3, lr=1.0), pg(4, 2), 2, leader_optimizer="sgd")
    return TradeBudget(pg(60, 4), pg(40, 4, lr=1.0), pg(8, 2), 6, leader_optimizer="sgd")


@dataclass
class GameSampler:
    """Plays trade games for one order from one random stream; counts agent steps per phase."""

    order: Order
    env: TradeOnlyEnv
    rng: np.random.Generator
    steps: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PHASES, 0))

    def play(
        self,
        phase: str,
        draw_answers: Callable[[], np.ndarray],
        follower_probs: np.ndarray,
        batch_steps: int = 0,
        seeds: np.ndarray | None = None,
    ) -> Batch:
        """Whole games until ``batch_steps`` agent steps, or one per ``seeds`` (replayable)."""
        played: Batch = []
        steps = 0
        while steps < batch_steps if seeds is None else len(played) < len(seeds):
            answers = np.asarray(draw_answers())
            seed = int(self.rng.integers(2**31) if seeds is None else seeds[len(played)])
            probs = self.order.trade_probs(answers, follower_probs)
            game = play_trade_game(self.env, *probs, self.rng, seed)
            played.append((answers, game))
            steps += game.agent_steps
        self.steps[phase] += steps
        return played

    def total(self, phases: tuple[str, ...]) -> int:
        """Agent steps played so far in ``phases``."""
        return sum(self.steps[p] for p in phases)


def one_hot(actions: np.ndarray, n_actions: int) -> np.ndarray:
    """Probabilities (len(actions), n_actions) of a deterministic table of ``actions``."""
    return np.eye(n_actions)[actions]


def train_follower(
    sampler: GameSampler,
    phase: str,
    follower: CategoricalPolicy,
    config: PGConfig,
    draw_answers: Callable[[], np.ndarray],
    record: Callable[[str, Batch, int], dict],
) -> list[dict]:
    """REINFORCE (``pg_update``) on the follower's decisions, each weighted by its bullet's
    credit minus ``config.baseline``, the follower sampling its own policy; one row per update."""
    optimizer = torch.optim.Adam(follower.parameters(), lr=config.lr)
    rows = []
    for update in range(config.iterations):
        probs = follower.probabilities()
        batch = sampler.play(phase, draw_answers, probs, config.batch_steps)
        decided = [sampler.order.follower_decisions(answers, game) for answers, game in batch]
        decisions = [np.concatenate(part) for part in zip(*decided, strict=True)]
        if len(decisions[0]):
            pg_update(follower, optimizer, *map(torch.from_numpy, decisions), config.baseline)
        rows.append(record(phase, batch, update))
    return rows


def train_leader_answers(
    sampler: GameSampler,
    leader: CategoricalPolicy,
    follower_table: np.ndarray,
    config: PGConfig,
    optimizer_name: str,
    record: Callable[[str, Batch, int], dict],
) -> list[dict]:
    """REINFORCE (``pg_update``) on the leader's per-game answers, each weighted by its whole game's
    reward minus ``config.baseline``, against the frozen ``follower_table`` of greedy actions; one
    ``record`` row per update."""
    optimizer = OPTIMIZERS[optimizer_name](leader.parameters(), lr=config.lr)
    order = sampler.order
    follower_probs = one_hot(follower_table, order.n_follower_actions)
    queries = np.arange(order.n_queries)
    rows = []
    for update in range(config.iterations):
        probs = leader.probabilities()
        draw = lambda p=probs: sample_actions(p, sampler.rng)  # noqa: E731
        batch = sampler.play("leader", draw, follower_probs, config.batch_steps)
        answers = np.concatenate([a for a, _ in batch])
        returns = np.array([game.rewards[order.leader_index] for _, game in batch])
        observations = np.tile(queries, len(batch))
        weights = np.repeat(returns, order.n_queries)
        tensors = map(torch.from_numpy, (observations, answers, weights))
        pg_update(leader, optimizer, *tensors, config.baseline)
        rows.append(record("leader", batch, update))
    return rows


def batch_stats(batch: Batch) -> dict[str, float]:
    """Per game means: bullets decided, rewards; trade rate (sold / decided) and mean sold price."""
    bullets = [b for _, game in batch for b in game.bullets]
    prices = [b.price for b in bullets if b.price is not None]
    rewards = np.array([game.rewards for _, game in batch])
    return {
        "games": len(batch),
        "bullets_per_game": len(bullets) / len(batch),
        "trade_rate": len(prices) / len(bullets) if bullets else float("nan"),
        "mean_price": float(np.mean(prices)) if prices else float("nan"),
        "seller_reward": rewards[:, 0].mean(),
        "buyer_reward": rewards[:, 1].mean(),
    }


def pure_response_rewards(
    sampler: GameSampler, follower_table: np.ndarray, answers: np.ndarray, seeds: np.ndarray
) -> np.ndarray:
    """The follower's mean reward per game on the games of ``seeds`` for each of its actions,
    played in the rows where it decides against the leader's ``answers`` (a direct best-response
    check); ``follower_table`` holds its greedy action per row."""
    order = sampler.order
    rewards = []
    for action in range(order.n_follower_actions):
        table = follower_table.copy()
        table[order.played_rows(answers)] = action
        probs = one_hot(table, order.n_follower_actions)
        batch = sampler.play("eval", lambda: answers, probs, seeds=seeds)
        rewards.append(np.mean([game.rewards[1 - order.leader_index] for _, game in batch]))
    return np.array(rewards)


def verify_response(
    sampler: GameSampler, answers: np.ndarray, config: PGConfig, record: Callable
) -> tuple[np.ndarray, list[dict]]:
    """Phase 3: train a fresh follower on the leader's fixed ``answers`` alone; return its greedy
    action in each row where the follower decides, and its curve rows."""
    order = sampler.order
    fresh = CategoricalPolicy(order.n_follower_observations, order.n_follower_actions)
    rows = train_follower(sampler, "verify", fresh, config, lambda: answers, record)
    return fresh.greedy()[order.played_rows(answers)], rows


@dataclass
class ExperimentResult:
    """Tidy curves (one row per update or evaluation), a one-row summary, and the policies."""

    curves: pd.DataFrame
    summary: dict
    leader: CategoricalPolicy
    follower: CategoricalPolicy


def run_experiment(order: str, seed: int, budget: TradeBudget) -> ExperimentResult:
    """All three phases for one leader ``order`` and ``seed`` on ``budget`` (see ``budget_for``)."""
    check_choice("order", order, tuple(ORDERS))
    spec = ORDERS[order]
    sampler = GameSampler(spec, TradeOnlyEnv(), np.random.default_rng(seed))
    torch.manual_seed(seed)
    leader = CategoricalPolicy(spec.n_queries, spec.n_answers)
    follower = CategoricalPolicy(spec.n_follower_observations, spec.n_follower_actions)
    start = time.perf_counter()

    def record(phase: str, batch: Batch, update: int, table: np.ndarray | None = None) -> dict:
        answers = leader.greedy()
        probs = leader.probabilities()[np.arange(spec.n_queries), answers]
        table = follower.greedy() if table is None else table
        return {
            "order": order,
            "seed": seed,
            "phase": phase,
            "update": update,
            "training_steps": sampler.total(TRAINING),
            "verification_steps": sampler.total(VERIFICATION),
            **batch_stats(batch),
            "leader_answer": spec.describe(answers),
            "leader_prob": float(np.prod(probs)),
            "greedy_price": spec.greedy_price(answers, table),
            "seconds": time.perf_counter() - start,
        }

    def uniform_answers() -> np.ndarray:
        return sampler.rng.integers(spec.n_answers, size=spec.n_queries)

    rows = train_follower(sampler, "pretrain", follower, budget.follower, uniform_answers, record)
    table = follower.greedy()
    rows += train_leader_answers(
        sampler, leader, table, budget.leader, budget.leader_optimizer, record
    )
    committed = leader.greedy()
    eval_seeds = sampler.rng.integers(2**31, size=budget.eval_games)

    def evaluate(phase: str, follower_table: np.ndarray) -> dict:
        probs = one_hot(follower_table, spec.n_follower_actions)
        batch = sampler.play(phase, lambda: committed, probs, seeds=eval_seeds)
        return record(phase, batch, 0, follower_table)

    before = evaluate("eval", table)
    alternatives = pure_response_rewards(sampler, table, committed, eval_seeds)
    verified, verify_rows = verify_response(sampler, committed, budget.verify, record)
    played = spec.played_rows(committed)
    retrained = table.copy()
    retrained[played] = verified
    after = evaluate("verify_eval", retrained)
    rows += [before, *verify_rows, after]
    follower_reward = f"{spec.follower}_reward"
    kept = ("order", "seed", "leader_answer", "leader_prob", "greedy_price", "mean_price")
    summary = {key: before[key] for key in kept}
    summary |= {key: float(before[key]) for key in ("trade_rate", "seller_reward", "buyer_reward")}
    summary |= {
        "leader_answers": " ".join(map(str, committed)),
        "follower_table": "".join(map(str, table[spec.reachable_rows()])),
        "follower_response": spec.describe_played(committed, table),
        "best_response": spec.describe_response(int(alternatives.argmax())),
        "best_response_gap": float(alternatives.max() - before[follower_reward]),
        "verify_response": spec.describe_played(committed, retrained),
        "verify_passed": bool(np.array_equal(verified, table[played])),
        "verify_follower_gain": float(after[follower_reward] - before[follower_reward]),
        "pretrain_steps": sampler.steps["pretrain"],
        "leader_steps": sampler.steps["leader"],
        "training_steps": sampler.total(TRAINING),
        "verification_steps": sampler.total(VERIFICATION),
        "evaluation_steps": sampler.steps["eval"] + sampler.steps["verify_eval"],
        "seconds": time.perf_counter() - start,
    }
    return ExperimentResult(pd.DataFrame(rows), summary, leader, follower)
