"""The Redis connection: fail fast while Redis is down, recover by itself when it is back.

Nothing that must not be lost lives in Redis (sessions and nonces are in the database), so an
outage only degrades what Redis serves: rate limits fall back to process memory (api/stores.py),
live events pause (api/pubsub.py) and opening a new live stream answers 503. The client is set up
so that a dead server costs milliseconds, not seconds, and a restarted one is found again without
a restart of ours:

- connect and command timeouts are short (a hung Redis must not hold requests);
- a connection error or timeout is retried twice on a fresh connection, so a connection left in
  the pool from before a Redis restart is replaced instead of failing the request;
- a connection idle for 10 s is pinged before it is used again;
- after a failure the breaker keeps callers away from Redis for a short cooldown, instead of
  every request paying for a connection attempt; the first call after it tries Redis again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

log = logging.getLogger("puhui.redis")

CONNECT_TIMEOUT = 1.0
COMMAND_TIMEOUT = 2.0
HEALTH_CHECK_SECONDS = 10
COOLDOWN_SECONDS = 2.0


def connect(url: str) -> Redis:
    """A client (no connection is opened until the first command)."""
    return Redis.from_url(
        url,
        socket_connect_timeout=CONNECT_TIMEOUT,
        socket_timeout=COMMAND_TIMEOUT,
        health_check_interval=HEALTH_CHECK_SECONDS,
        # connection errors and timeouts (the default supported errors)
        retry=Retry(ExponentialBackoff(cap=0.2, base=0.02), retries=2),
    )


class RedisBreaker:
    """Open for `cooldown` seconds after a failure: while open, callers skip Redis."""

    def __init__(
        self, cooldown: float = COOLDOWN_SECONDS, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._cooldown = cooldown
        self._clock = clock
        self._open_until = 0.0
        self._failing = False

    @property
    def usable(self) -> bool:
        return self._clock() >= self._open_until

    def failed(self, exc: BaseException) -> None:
        if not self._failing:
            log.warning("redis unreachable: %s; degrading", type(exc).__name__)
        self._failing = True
        self._open_until = self._clock() + self._cooldown

    def succeeded(self) -> None:
        if self._failing:
            log.warning("redis reachable again")
        self._failing = False
        self._open_until = 0.0
