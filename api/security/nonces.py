"""A set-once cache: `claim(key)` is True for exactly one caller within the TTL.

Redis (SET NX EX) when configured, so every process shares it; a process-local dict otherwise.
"""

from __future__ import annotations

import time
from typing import Protocol

from redis.asyncio import Redis


class OnceCache(Protocol):
    async def claim(self, key: str, ttl_seconds: int) -> bool: ...


class MemoryOnceCache:
    def __init__(self, max_entries: int = 200_000) -> None:
        self._expiry: dict[str, float] = {}
        self._max = max_entries

    async def claim(self, key: str, ttl_seconds: int) -> bool:
        # No await between the check and the set: atomic on one event loop.
        now = time.monotonic()
        expires = self._expiry.get(key)
        if expires is not None and expires > now:
            return False
        if len(self._expiry) >= self._max:
            self._evict(now)
        self._expiry[key] = now + ttl_seconds
        return True

    def _evict(self, now: float) -> None:
        for k in [k for k, exp in self._expiry.items() if exp <= now]:
            del self._expiry[k]


class RedisOnceCache:
    def __init__(self, redis: Redis, namespace: str = "puhui:once") -> None:
        self._redis = redis
        self._ns = namespace

    async def claim(self, key: str, ttl_seconds: int) -> bool:
        return bool(await self._redis.set(f"{self._ns}:{key}", b"1", nx=True, ex=ttl_seconds))
