"""Bilateral bullet trade on two-player Space Invaders (Gerstgrasser & Parkes): a ParallelEnv.

Agents: ``"seller"`` is the game's player 1 (left cannon), ``"buyer"`` its player 2 (right cannon).

What they do: each agent's action is a pair ``(move, trade)`` from a ``MultiDiscrete`` space.
``move`` indexes ``MOVE_NAMES`` (NOOP, FIRE, RIGHT, LEFT, RIGHTFIRE, LEFTFIRE) and is held for
``frame_skip`` frames. A player holding no bullet cannot fire: frame by frame, FIRE becomes NOOP,
RIGHTFIRE RIGHT and LEFTFIRE LEFT, and a bullet is spent only when its launch is seen in RAM.
``trade`` is the seller's choice for its undecided bullet (0 keep, k in 1..5 offer at
``PRICES[k - 1]``) or the buyer's answer to the open offer (0 reject, 1 accept); it is ignored when
the agent has nothing to decide. Neither player starts with bullets. One bullet's timeline: it
arrives to the seller at the end of step t (seen in observation t); in step t+1 the seller keeps
it or offers it; in step t+2 the buyer, having seen the offer, answers. An accepted bullet goes to
the buyer and a rejected one back to the seller, usable from that same step.

The market (``Market``): each game supplies ``supply`` bullets, one at a time, after geometric gaps
of mean ``mean_gap`` agent steps, while the two players hold fewer than ``max_stock`` bullets in
all. With the defaults (10 bullets, one held at a time) a bullet is fired before the next arrives,
and the game ends when the last one has landed, so no bullet is wasted unless the three shared
lives run out first.

What they observe: a float32 vector, identical layout for both agents: the 128 RAM bytes / 255;
then the market features (own bullets held, other's bullets held, seller has an undecided bullet
0/1, offer open 0/1, offered price in reward units or 0); then, if ``frame_stride`` > 0, the
grayscale screen sampled every ``frame_stride`` pixels, / 255, row-major.

What they get, per agent step: an alien kill (a per-frame score change in 1..30) pays 0.1 to the
seller and 1.0 to the buyer; a trade at price p adds p to the seller's reward and -p to the
buyer's. The episode terminates when the market is done (the whole supply launched and no missile
in flight) or the game is over (three shared lives), and is truncated after ``max_steps`` agent
steps. Infos per agent: bullets ``held``, missiles ``launched`` and ``kills``
this step, and ``must_decide`` (whether its next trade choice counts).
"""

from __future__ import annotations

from typing import Any

import gymnasium
import numpy as np
from gymnasium import spaces
from pettingzoo import ParallelEnv

from stackmeta_lite.atari.cartridge import (
    ALE_CODES,
    FIRES,
    INTRO_FRAMES,
    MOVE_NAMES,
    RAM_SIZE,
    UNARMED_CODES,
    is_alien_kill,
    launchers,
    missile_in_flight,
)
from stackmeta_lite.atari.emulator import TWO_PLAYER_MODE, make_emulator
from stackmeta_lite.atari.market import BUYER, PRICES, ROLES, SELLER, Market, check_index
from stackmeta_lite.common.validation import check_positive_int

N_MARKET_FEATURES = 5
TRADE_CHOICES: dict[str, int] = {"seller": len(PRICES) + 1, "buyer": 2}
"""Number of trade choices per agent: seller keep or 5 prices, buyer reject or accept."""


class SpaceInvadersTradeEnv(ParallelEnv):
    """The bullet market on the real Space Invaders ROM; see the module docstring."""

    metadata = {"name": "space_invaders_trade_v1", "render_modes": ["rgb_array"]}

    def __init__(
        self,
        frame_skip: int = 4,
        mean_gap: float = 5.0,
        max_stock: int = 1,
        supply: int = 10,
        kill_rewards: tuple[float, float] = (0.1, 1.0),
        max_steps: int = 10_000,
        frame_stride: int = 0,
        mode: int = TWO_PLAYER_MODE,
        render_mode: str | None = None,
    ) -> None:
        """Frame skip in emulator frames per agent step; ``mean_gap`` in agent steps; ``supply`` and
        ``max_stock`` in bullets."""
        check_positive_int("frame_skip", frame_skip)
        check_positive_int("max_steps", max_steps)
        if isinstance(frame_stride, bool) or not isinstance(frame_stride, int) or frame_stride < 0:
            raise ValueError(
                f"frame_stride must be an integer >= 0 pixels (0 = no frame), got {frame_stride!r}"
            )
        if len(kill_rewards) != 2 or not all(np.isfinite(kill_rewards)):
            raise ValueError(f"kill_rewards must be 2 finite rewards per kill, got {kill_rewards}")
        if render_mode not in (None, *self.metadata["render_modes"]):
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        self.frame_skip = frame_skip
        self.kill_rewards = kill_rewards
        self.max_steps = max_steps
        self.frame_stride = frame_stride
        self.render_mode = render_mode
        self.market = Market(mean_gap=mean_gap, max_stock=max_stock, supply=supply)
        self.possible_agents = list(ROLES)
        self.agents: list[str] = []
        self._ale = make_emulator(mode)
        for _ in range(INTRO_FRAMES - 1):
            self._ale.act([0, 0])
        self._start = self._ale.cloneState()
        """Emulator state one frame before the end of the frozen intro; every game restores it and
        plays that last frame (which refreshes RAM and screen), so a game starts exactly as after
        a reset and the intro's frames: the emulator is deterministic."""
        self._ram = np.zeros(RAM_SIZE, dtype=np.uint8)
        width, height = self._ale.getScreenDims()
        self._gray = np.zeros((height, width, 1), dtype=np.uint8)
        self._rng = np.random.default_rng()
        self._steps = 0
        n_frame = self._gray[::frame_stride, ::frame_stride].size if frame_stride else 0
        high = np.ones(RAM_SIZE + N_MARKET_FEATURES + n_frame, dtype=np.float32)
        high[RAM_SIZE : RAM_SIZE + 2] = np.inf
        self._observation_spaces = {
            a: spaces.Box(0.0, high, dtype=np.float32) for a in self.possible_agents
        }
        self._action_spaces = {
            a: spaces.MultiDiscrete([len(MOVE_NAMES), TRADE_CHOICES[a]])
            for a in self.possible_agents
        }

    def observation_space(self, agent: str) -> spaces.Box:
        """RAM / 255, market features, optional frame; see the module docstring."""
        return self._observation_spaces[agent]

    def action_space(self, agent: str) -> spaces.MultiDiscrete:
        """(move index into MOVE_NAMES, trade choice); see module docstring."""
        return self._action_spaces[agent]

    @property
    def ram(self) -> np.ndarray:
        """The 128 RAM bytes after the last step (a read-only view, uint8)."""
        view = self._ram.view()
        view.flags.writeable = False
        return view

    def reset(
        self, seed: int | None = None, options: dict | None = None
    ) -> tuple[dict[str, np.ndarray], dict[str, dict[str, Any]]]:
        """Start a new game past its frozen intro; ``seed`` fixes the bullet arrivals."""
        if seed is not None:
            self._rng = np.random.default_rng(seed)
        self._ale.restoreState(self._start)
        self._ale.act([0, 0])
        self.market.clear()
        self.market.arrive(self._rng)
        self._steps = 0
        self.agents = list(self.possible_agents)
        return self._observe(), self._infos((0, 0), (0, 0))

    def step(self, actions: dict[str, Any]) -> tuple[dict, dict, dict, dict, dict]:
        """Advance ``frame_skip`` frames; return obs, rewards, terminations, truncations, infos."""
        if not self.agents:
            raise RuntimeError("step() called on a finished episode; call reset() first")
        (move_s, trade_s), (move_b, trade_b) = (self._parse(a, actions) for a in ROLES)
        paid = self.market.trade(trade_s, trade_b)
        held = self.market.held
        kills, launched = [0, 0], [0, 0]
        ale = self._ale
        for _ in range(self.frame_skip):
            armed = (FIRES[move_s] and held[SELLER] > 0, FIRES[move_b] and held[BUYER] > 0)
            points_s, points_b = ale.act(
                [
                    ALE_CODES[move_s] if armed[SELLER] else UNARMED_CODES[move_s],
                    ALE_CODES[move_b] if armed[BUYER] else UNARMED_CODES[move_b],
                ]
            ).tolist()
            kills[SELLER] += is_alien_kill(points_s)
            kills[BUYER] += is_alien_kill(points_b)
            if armed[SELLER] or armed[BUYER]:
                for player, fired in enumerate(launchers(ale.getRAM(self._ram), armed)):
                    if fired:
                        self.market.spend(player)
                        launched[player] += 1
            if ale.game_over():
                break
        self.market.arrive(self._rng)
        self._steps += 1
        rewards = {
            "seller": self.kill_rewards[SELLER] * kills[SELLER] + paid,
            "buyer": self.kill_rewards[BUYER] * kills[BUYER] - paid,
        }
        closed = self.market.sold_out and not missile_in_flight(ale.getRAM(self._ram))
        over = bool(ale.game_over()) or closed
        late = self._steps >= self.max_steps and not over
        observations, infos = self._observe(), self._infos(kills, launched)
        terminations = dict.fromkeys(self.agents, over)
        truncations = dict.fromkeys(self.agents, late)
        if over or late:
            self.agents = []
        return observations, rewards, terminations, truncations, infos

    def render(self) -> np.ndarray | None:
        """The current screen as a (210, 160, 3) uint8 RGB array, if render_mode is 'rgb_array'."""
        if self.render_mode is None:
            gymnasium.logger.warn("render() called without render_mode='rgb_array'; returning None")
            return None
        return self._ale.getScreenRGB()

    def _parse(self, agent: str, actions: dict[str, Any]) -> tuple[int, int]:
        if agent not in actions:
            raise ValueError(f"actions must have a key for each agent {ROLES}, got {list(actions)}")
        try:
            move, trade = actions[agent]
        except (TypeError, ValueError):
            raise ValueError(
                f"{agent} action must be a (move, trade) pair, got {actions[agent]!r}"
            ) from None
        move = check_index(move, len(MOVE_NAMES), f"{agent} move")
        return move, check_index(trade, TRADE_CHOICES[agent], f"{agent} trade choice")

    def _observe(self) -> dict[str, np.ndarray]:
        ram = self._ale.getRAM(self._ram).astype(np.float32) / 255.0
        frame = np.empty(0, dtype=np.float32)
        if self.frame_stride:
            gray = self._ale.getScreenGrayscale(self._gray)[
                :: self.frame_stride, :: self.frame_stride
            ]
            frame = gray.ravel().astype(np.float32) / 255.0
        market = self.market
        price = PRICES[market.offer] if market.offer is not None else 0.0
        flags = (float(market.undecided), float(market.offer is not None), price)
        held = market.held
        return {
            agent: np.concatenate(
                [ram, np.array((held[i], held[1 - i], *flags), dtype=np.float32), frame]
            )
            for i, agent in enumerate(ROLES)
        }

    def _infos(self, kills: tuple[int, int], launched: tuple[int, int]) -> dict[str, dict]:
        decide = (self.market.undecided, self.market.offer is not None)
        return {
            agent: {
                "held": self.market.held[i],
                "launched": launched[i],
                "kills": kills[i],
                "must_decide": decide[i],
            }
            for i, agent in enumerate(ROLES)
        }
