"""The Space Invaders bullet market on the real ROM: API, seeding, masking, spending, rewards."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from ale_py.roms import get_rom_path
from pettingzoo.test import parallel_api_test

from stackmeta_lite.atari.bullet_value import GIVE_ALL_TO
from stackmeta_lite.atari.cartridge import (
    INTRO_FRAMES,
    LAUNCH_DX,
    LAUNCH_Y,
    MISSILE_X,
    MISSILE_Y,
    PLAYER_X,
    UNARMED_CODES,
    missile_in_flight,
)
from stackmeta_lite.atari.emulator import check_rom, make_emulator
from stackmeta_lite.atari.env import SpaceInvadersTradeEnv
from stackmeta_lite.atari.frames import record_frames
from stackmeta_lite.atari.market import ACCEPT, KEEP, REJECT
from stackmeta_lite.atari.trade_only import TradeOnlyEnv

NOOP, FIRE = 0, 1
NEVER = 1e12  # a mean gap so long that no bullet arrives


def both(seller: tuple[int, int], buyer: tuple[int, int]) -> dict[str, tuple[int, int]]:
    return {"seller": seller, "buyer": buyer}


def launch_in_ram(ram: np.ndarray) -> bool:
    return any(ram[y] == LAUNCH_Y for y in MISSILE_Y)


def test_parallel_api() -> None:
    parallel_api_test(SpaceInvadersTradeEnv(), num_cycles=300)
    parallel_api_test(TradeOnlyEnv(), num_cycles=100)


def test_seeded_reset_is_reproducible() -> None:
    env = SpaceInvadersTradeEnv(mean_gap=3.0)

    def play(seed: int) -> list[np.ndarray]:
        obs, _ = env.reset(seed=seed)
        stream = np.random.default_rng(0).integers(0, 2, size=(150, 4)) * (5, 5, 1, 1)
        trace = [obs["seller"]]
        for move_s, move_b, trade_s, trade_b in stream:
            obs, rewards, *_ = env.step(both((move_s, trade_s), (move_b, trade_b)))
            trace += [obs["buyer"], np.array([rewards["seller"], rewards["buyer"]])]
        return trace

    first, other, again = play(7), play(8), play(7)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other, strict=True))


def test_firing_is_masked_without_a_bullet() -> None:
    env = SpaceInvadersTradeEnv(frame_skip=1, mean_gap=NEVER)
    env.reset(seed=0)
    for move in [FIRE, 4, 5] * 100:  # FIRE, RIGHTFIRE, LEFTFIRE for 300 frames
        _, _, _, _, infos = env.step(both((move, KEEP), (move, REJECT)))
        assert not launch_in_ram(env.ram)
        assert infos["seller"]["launched"] == infos["buyer"]["launched"] == 0


def test_bullet_is_spent_only_on_a_launch_seen_in_ram() -> None:
    env = SpaceInvadersTradeEnv(frame_skip=1, mean_gap=NEVER)
    env.reset(seed=0)
    env.market.held[0] = 2
    for _ in range(20):  # holding but not firing spends nothing
        _, _, _, _, infos = env.step(both((NOOP, KEEP), (NOOP, REJECT)))
        assert infos["seller"]["held"] == 2
    launches = []
    for _ in range(20):  # hold FIRE: one launch, then nothing while the missile flies
        _, _, _, _, infos = env.step(both((FIRE, KEEP), (NOOP, REJECT)))
        launches.append(infos["seller"]["launched"])
        if infos["seller"]["launched"]:
            ram = env.ram
            slot = [s for s in (0, 1) if ram[MISSILE_Y[s]] == LAUNCH_Y][0]
            assert ram[MISSILE_X[slot]] == ram[PLAYER_X[0]] + LAUNCH_DX
    assert sum(launches[:2]) == 1 and sum(launches) == 1  # the game reads input every 2nd frame
    assert infos["seller"]["held"] == 1


def test_trade_moves_the_price_between_rewards_exactly() -> None:
    env = SpaceInvadersTradeEnv(mean_gap=1.0, max_stock=3)  # a bullet whenever one can arrive
    _, infos = env.reset(seed=0)
    assert infos["seller"]["must_decide"]
    _, rewards, _, _, infos = env.step(both((NOOP, 4), (NOOP, REJECT)))  # offer at 0.75
    assert rewards == {"seller": 0.0, "buyer": 0.0}
    assert infos["buyer"]["must_decide"]
    obs, rewards, _, _, infos = env.step(both((NOOP, KEEP), (NOOP, ACCEPT)))
    assert rewards == {"seller": 0.75, "buyer": -0.75}
    assert (infos["seller"]["held"], infos["buyer"]["held"]) == (0, 1)
    assert obs["buyer"][128] == 1.0 and obs["seller"][129] == 1.0
    env.step(both((NOOP, 2), (NOOP, REJECT)))  # offer the next bullet at 0.25 ...
    _, rewards, _, _, infos = env.step(both((NOOP, KEEP), (NOOP, REJECT)))  # ... rejected
    assert rewards == {"seller": 0.0, "buyer": 0.0}
    assert infos["seller"]["held"] >= 1


@pytest.mark.parametrize("shooter", ["seller", "buyer"])
def test_kill_rewards_are_scaled_per_player(shooter: str) -> None:
    env = TradeOnlyEnv(SpaceInvadersTradeEnv(mean_gap=1.0, kill_rewards=(0.1, 1.0)))
    env.reset(seed=0)
    scale = {"seller": 0.1, "buyer": 1.0}[shooter]
    kills = 0
    while env.agents and kills < 3:
        _, rewards, _, _, infos = env.step(GIVE_ALL_TO[shooter])  # trades at price 0
        kills += infos[shooter]["kills"]
        assert rewards[shooter] == pytest.approx(scale * infos[shooter]["kills"])
    assert kills >= 3


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        (
            both((NOOP, 6), (NOOP, REJECT)),
            r"seller trade choice must be an integer in 0\.\.5, got 6",
        ),
        (both((NOOP, KEEP), (NOOP, 2)), r"buyer trade choice must be an integer in 0\.\.1, got 2"),
        (both((6, KEEP), (NOOP, REJECT)), r"seller move must be an integer in 0\.\.5, got 6"),
        (both((NOOP, KEEP), (11, REJECT)), r"buyer move must be an integer in 0\.\.5, got 11"),
        (both((NOOP, 0.5), (NOOP, REJECT)), r"seller trade choice .* got 0\.5"),
        ({"seller": (NOOP, KEEP)}, r"a key for each agent"),
        (both((NOOP,), (NOOP, REJECT)), r"seller action must be a \(move, trade\) pair"),
    ],
)
def test_bad_actions_raise_clear_errors(actions: dict, message: str) -> None:
    env = SpaceInvadersTradeEnv()
    env.reset(seed=0)
    with pytest.raises(ValueError, match=message):
        env.step(actions)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"frame_skip": 0}, r"frame_skip must be an integer >= 1, got 0"),
        ({"frame_skip": 1.5}, r"frame_skip must be an integer >= 1, got 1\.5"),
        ({"max_stock": 2.5}, r"max_stock must be an integer >= 1, got 2\.5"),
        ({"supply": 0}, r"supply must be an integer >= 1, got 0"),
        ({"mean_gap": float("nan")}, r"mean_gap must be a number, got nan"),
        ({"mean_gap": 0.5}, r"mean_gap must lie in \[1\.0, inf\], got 0\.5"),
        ({"frame_stride": -1}, r"frame_stride must be an integer >= 0 pixels"),
    ],
)
def test_bad_settings_raise_clear_errors(settings: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SpaceInvadersTradeEnv(**settings)


def test_missing_emulator_and_bad_mode_raise_clear_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match=r"mode must be .* 33\.\.64, got 1"):
        make_emulator(mode=1)
    monkeypatch.setitem(sys.modules, "multi_agent_ale_py", None)
    with pytest.raises(ImportError, match=r"pip install -e '\.\[atari\]'"):
        make_emulator()


def test_rom_is_checked_before_the_emulator_sees_it(tmp_path: Path) -> None:
    rom = Path(get_rom_path("space_invaders"))
    assert check_rom(rom) == rom
    corrupt = tmp_path / "corrupt.bin"
    corrupt.write_bytes(rom.read_bytes()[:1000])
    with pytest.raises(ValueError, match=r"corrupt\.bin has 1000 bytes, but the Space Invaders"):
        make_emulator(rom=corrupt)
    wrong = tmp_path / "wrong.bin"
    wrong.write_bytes(bytes(reversed(rom.read_bytes())))
    with pytest.raises(ValueError, match=r"wrong\.bin is not the Space Invaders ROM \(sha256"):
        make_emulator(rom=wrong)
    with pytest.raises(FileNotFoundError, match=r"no Space Invaders ROM at .*missing\.bin"):
        make_emulator(rom=tmp_path / "missing.bin")


def test_reset_starts_where_a_reset_game_and_the_intro_would() -> None:
    env = SpaceInvadersTradeEnv(mean_gap=NEVER)  # no bullets: FIRE is NOOP
    env.reset(seed=0)
    for _ in range(50):  # play on, so that reset must really restore the start
        env.step(both((2, KEEP), (3, REJECT)))
    first, _ = env.reset(seed=0)
    ale = make_emulator()
    for _ in range(INTRO_FRAMES):
        ale.act([0, 0])
    assert np.array_equal(env.ram, ale.getRAM())
    assert np.array_equal(first["seller"][:128], ale.getRAM() / np.float32(255))
    for move in [2, 3, 1] * 40:
        env.step(both((move, KEEP), (move, REJECT)))
        for _ in range(env.frame_skip):
            ale.act([UNARMED_CODES[move]] * 2)
        assert np.array_equal(env.ram, ale.getRAM())


def test_the_game_ends_when_the_supply_has_landed() -> None:
    env = TradeOnlyEnv(SpaceInvadersTradeEnv(supply=4))
    env.reset(seed=1)
    launches, terminated = 0, False
    while env.agents:
        _, _, terminations, _, infos = env.step(GIVE_ALL_TO["buyer"])
        launches += infos["buyer"]["launched"]
        terminated = terminations["buyer"]
    assert terminated and launches == 4
    assert not missile_in_flight(env.ram)
    assert env.env.market.arrived == 4 and env.env.market.held == [0, 0]


def test_record_frames_returns_rgb_screens_in_the_order_asked() -> None:
    frames = record_frames(seed=0, steps=[40, 0])
    assert frames.shape == (2, 210, 160, 3) and frames.dtype == np.uint8
    assert not np.array_equal(frames[0], frames[1])
    with pytest.raises(ValueError, match=r"agent steps >= 0, got \[-1\]"):
        record_frames(seed=0, steps=[-1])
