"""PettingZoo and Gymnasium environments of the iterated game with one-step memory.

``IteratedGameEnv`` (PettingZoo ``ParallelEnv``, agents ``leader`` and ``follower``).
With ``queries=True`` (the paper's setting) an episode has two phases:

1. Query phase, ``n_states`` steps (5 for 2x2): at step ``k`` the leader observes state ``k`` and
   its action is recorded as its answer for that state. The follower observes the extra index
   ``n_states * n_contexts`` ("waiting"); its action is ignored. Rewards are 0.
2. Play phase, ``horizon`` steps (10): both observe the memory-1 state; the follower also sees
   the context omega coded from the answers, ``state * n_contexts + omega`` (160 values for 2x2).
   Rewards are the game's payoffs, centred (minus ``game.offset``) unless ``centred=False``.

With ``queries=False`` there is only the play phase and both agents observe the state alone.
The episode ends by truncation (a time limit) after the last play step. ``infos`` carry the step
counts in both conventions, ``steps_with_queries`` and ``steps_plain``.

Actions are checked by ``validation.check_action``: Python or numpy integers in range only
(``operator.index`` semantics; 1.5, "1", None, NaN, numpy floats and bools are refused with the
range named). Stepping before ``reset`` or after the episode ended raises ``RuntimeError``, in
all three environments alike.

``LeaderEnv`` and ``FollowerEnv`` are Gymnasium single-agent views: the leader against a fixed
follower policy, and the follower (play phase only) against a fixed or freshly random leader table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import gymnasium
import numpy as np
from gymnasium import spaces
from pettingzoo import ParallelEnv

from stackmeta_lite.common.validation import check_action, check_action_array, check_bool
from stackmeta_lite.games.bimatrix import BimatrixGame
from stackmeta_lite.games.iterated import IteratedGame

LEADER, FOLLOWER = "leader", "follower"
_NOT_RUNNING = "step() called before reset() or after the episode ended; call reset() first"


class IteratedGameEnv(ParallelEnv):
    """The iterated game as a two-agent parallel environment (see the module docstring)."""

    metadata = {"name": "iterated_matrix_game_v0", "render_modes": ["ansi"]}

    def __init__(
        self,
        game: BimatrixGame,
        horizon: int = 10,
        queries: bool = True,
        centred: bool = True,
        render_mode: str | None = None,
    ) -> None:
        if render_mode not in (None, "ansi"):
            raise ValueError(f"render_mode must be None or 'ansi', got {render_mode!r}")
        self.iterated = IteratedGame(game, horizon)
        self.queries = check_bool("queries", queries)
        self.centred = check_bool("centred", centred)
        self.render_mode = render_mode
        self.possible_agents = [LEADER, FOLLOWER]
        self.agents: list[str] = []
        self._step = 0
        self._state: int | None = None  # set by reset()
        it = self.iterated
        self.waiting = it.n_follower_observations if queries else None
        follower_obs = it.n_follower_observations + 1 if queries else it.n_states
        self._observation_spaces = {
            LEADER: spaces.Discrete(it.n_states),
            FOLLOWER: spaces.Discrete(follower_obs),
        }
        self._action_spaces = {
            LEADER: spaces.Discrete(it.n_leader_actions),
            FOLLOWER: spaces.Discrete(it.n_follower_actions),
        }

    def observation_space(self, agent: str) -> spaces.Discrete:
        return self._observation_spaces[agent]

    def action_space(self, agent: str) -> spaces.Discrete:
        return self._action_spaces[agent]

    @property
    def in_query_phase(self) -> bool:
        return self.queries and self._step < self.iterated.n_states

    def _observations(self) -> dict[str, int]:
        if self.in_query_phase:
            return {LEADER: self._step, FOLLOWER: self.waiting}
        follower = self._state
        if self.queries:
            follower = int(self.iterated.follower_observation(self._state, self._context))
        return {LEADER: self._state, FOLLOWER: follower}

    def _infos(self) -> dict[str, dict]:
        it = self.iterated
        play_steps = self._step - (it.n_states if self.queries else 0)
        counts = {
            "steps_with_queries": self._step + (0 if self.queries else it.n_states),
            "steps_plain": max(play_steps, 0),
            "answers": tuple(self._answers),
        }
        return {agent: dict(counts) for agent in self.agents}

    def reset(self, seed: int | None = None, options: dict | None = None):
        """Start an episode; the game is deterministic, so ``seed`` only seeds the spaces."""
        if seed is not None:
            for agent in self.possible_agents:
                self._observation_spaces[agent].seed(seed)
                self._action_spaces[agent].seed(seed)
        self.agents = list(self.possible_agents)
        self._step = 0
        self._state = 0
        self._answers: list[int] = []
        self._context = 0
        return self._observations(), self._infos()

    def step(self, actions: dict[str, int]):
        """Advance one step; ``actions`` maps each live agent to an action index."""
        if not self.agents:
            raise RuntimeError(_NOT_RUNNING)
        if not isinstance(actions, Mapping):
            raise ValueError(
                f"actions must be a dict with an action for each agent {self.agents}, got "
                f"{actions!r} ({type(actions).__name__})"
            )
        missing = [agent for agent in self.agents if agent not in actions]
        if missing:
            raise ValueError(f"actions need a key for each agent {self.agents}, missing {missing}")
        leader, follower = (
            check_action(agent, actions[agent], self._action_spaces[agent].n)
            for agent in self.possible_agents
        )
        it = self.iterated
        rewards = {LEADER: 0.0, FOLLOWER: 0.0}
        if self.in_query_phase:
            self._answers.append(leader)
            if len(self._answers) == it.n_states:
                self._context = int(it.context(np.array(self._answers)))
        else:
            r_leader, r_follower = it.rewards(leader, follower, centred=self.centred)
            rewards = {LEADER: float(r_leader), FOLLOWER: float(r_follower)}
            self._state = int(it.next_state(leader, follower))
        self._step += 1
        done = self._step == it.steps_per_episode(self.queries)
        observations, infos = self._observations(), self._infos()
        terminations = {agent: False for agent in self.agents}
        truncations = {agent: done for agent in self.agents}
        if done:
            self.agents = []
        return observations, rewards, terminations, truncations, infos

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        if self._state is None:
            raise RuntimeError("render() called before reset(); call reset() first")
        phase = "query" if self.in_query_phase else "play"
        return f"step {self._step} ({phase}) state {self.iterated.describe_state(self._state)}"


def _as_policy(policy: Callable[[int], int] | np.ndarray, n_obs: int, n_actions: int):
    """A callable of the observation; a table is checked once, here (integers in range)."""
    if callable(policy):
        return policy
    if np.ndim(policy) != 1:
        raise ValueError(
            f"follower_policy must be a callable or a 1-D table with one action for each of the "
            f"{n_obs} follower observations (state * n_contexts + omega, then the waiting index), "
            f"got an array of shape {np.shape(policy)}"
        )
    table = check_action_array("follower policy", policy, n_actions, (n_obs,))
    return lambda observation: table[observation]


class LeaderEnv(gymnasium.Env):
    """The leader's view: the follower acts by a fixed policy of its observation.

    ``follower_policy`` is a callable or a table indexed by the follower's observation (the
    waiting index included when ``queries=True``).
    """

    metadata = {"render_modes": []}

    def __init__(
        self,
        game: BimatrixGame,
        follower_policy: Callable[[int], int] | np.ndarray,
        horizon: int = 10,
        queries: bool = True,
        centred: bool = True,
    ) -> None:
        self.env = IteratedGameEnv(game, horizon, queries, centred)
        follower_space = self.env.action_space(FOLLOWER)
        n_obs = self.env.observation_space(FOLLOWER).n
        self.follower_policy = _as_policy(follower_policy, n_obs, follower_space.n)
        self.observation_space = self.env.observation_space(LEADER)
        self.action_space = self.env.action_space(LEADER)

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        observations, infos = self.env.reset(seed=seed)
        self._follower_obs = observations[FOLLOWER]
        return observations[LEADER], infos[LEADER]

    def step(self, action: int):
        if not self.env.agents:
            raise RuntimeError(_NOT_RUNNING)
        follower_action = self.follower_policy(self._follower_obs)
        observations, rewards, _, truncations, infos = self.env.step(
            {LEADER: action, FOLLOWER: follower_action}
        )
        self._follower_obs = observations[FOLLOWER]
        info = {**infos.get(LEADER, {}), "follower_action": int(follower_action)}
        return observations[LEADER], rewards[LEADER], False, truncations[LEADER], info


class FollowerEnv(gymnasium.Env):
    """The follower's view of the play phase against a leader table.

    The follower observes ``state * n_contexts + omega``. With ``leader_table=None`` a uniformly
    random leader table is drawn at every reset, as in the paper's meta pre-training.
    """

    metadata = {"render_modes": []}

    def __init__(
        self,
        game: BimatrixGame,
        leader_table: np.ndarray | None = None,
        horizon: int = 10,
        centred: bool = True,
    ) -> None:
        self.iterated = IteratedGame(game, horizon)
        self.centred = check_bool("centred", centred)
        self.fixed_table = (
            None if leader_table is None else self.iterated.check_leader_tables(leader_table)
        )
        self.observation_space = spaces.Discrete(self.iterated.n_follower_observations)
        self.action_space = spaces.Discrete(self.iterated.n_follower_actions)
        self.t = self.iterated.horizon  # not running until reset()

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        it = self.iterated
        self.table = self.fixed_table
        if self.table is None:
            self.table = self.np_random.integers(0, it.n_leader_actions, size=it.n_states)
        self.context = int(it.context(self.table))
        self.state, self.t = 0, 0
        info = {"leader_table": tuple(int(a) for a in self.table)}
        return int(it.follower_observation(self.state, self.context)), info

    def step(self, action: int):
        if self.t >= self.iterated.horizon:
            raise RuntimeError(_NOT_RUNNING)
        action = check_action(FOLLOWER, action, self.action_space.n)
        it = self.iterated
        leader = int(self.table[self.state])
        r_leader, r_follower = it.rewards(leader, action, centred=self.centred)
        self.state = int(it.next_state(leader, action))
        self.t += 1
        observation = int(it.follower_observation(self.state, self.context))
        info = {"leader_action": leader, "leader_reward": float(r_leader)}
        return observation, float(r_follower), False, self.t == it.horizon, info
