"""The per-key sign-in counters: a key's minute starts with its first hit; memory stands in
while Redis is unreachable."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from api.login_limits import WINDOW_SECONDS, LoginLimits, MemoryCounters, RedisCounters
from api.redis_link import RedisBreaker
from domain.crypto import DataProtector
from domain.errors import TooManyAttempts


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_hits_count_within_the_window_then_start_again() -> None:
    clock = Clock()
    counters = MemoryCounters(clock)
    assert await counters.hit("k") == (1, WINDOW_SECONDS)
    clock.now += 20
    assert await counters.hit("k") == (2, WINDOW_SECONDS - 20)
    assert await counters.hit("other") == (1, WINDOW_SECONDS)
    clock.now += WINDOW_SECONDS - 20
    assert await counters.hit("k") == (1, WINDOW_SECONDS)


async def test_ended_windows_are_dropped_when_many_keys_are_held() -> None:
    clock = Clock()
    counters = MemoryCounters(clock)
    counters.PRUNE_ABOVE = 2
    for key in ("a", "b", "c"):
        await counters.hit(key)
    clock.now += WINDOW_SECONDS
    await counters.hit("d")
    assert set(counters._windows) == {"d"}


async def test_past_the_limit_is_refused_with_the_seconds_left() -> None:
    clock = Clock()
    limits = LoginLimits(MemoryCounters(clock), DataProtector("k" * 32), per_minute=2)
    await limits.hit("openid", "o1")
    await limits.hit("openid", "o1")
    clock.now += 15
    with pytest.raises(TooManyAttempts) as refused:
        await limits.hit("openid", "o1")
    assert refused.value.code == "too_many_sign_ins"
    assert refused.value.extra == {"retry_after": WINDOW_SECONDS - 15}
    await limits.hit("code", "o1")  # a code and an openid are counted apart


async def test_redis_counters_fall_back_to_memory_while_redis_is_unreachable() -> None:
    clock = Clock()
    breaker = RedisBreaker(cooldown=5, clock=clock)
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    counters = RedisCounters(dead, breaker, MemoryCounters(clock))
    try:
        assert await counters.hit("k") == (1, WINDOW_SECONDS)  # refused, counted in memory
        assert not breaker.usable
        assert await counters.hit("k") == (2, WINDOW_SECONDS)  # Redis left alone meanwhile
    finally:
        await dead.aclose()
