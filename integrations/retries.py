"""Retrying a provider request: transient failures (network, 5xx, garbage) are tried again with
a growing pause, then reported as the caller's own "unavailable" error. Reasons are safe to log:
they never carry a token or a URL with credentials."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class Transient(Exception):
    """A failure worth retrying; `reason` is safe to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def with_retries(
    call: Callable[[], Awaitable[T]],
    *,
    retries: int,
    backoff: float,
    what: str,
    unavailable: Callable[[str], Exception],
) -> T:
    """`call()` up to `retries + 1` times while it raises Transient; then `unavailable(reason)`."""
    attempts = retries + 1
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except Transient as exc:
            log.warning("%s attempt %d/%d: %s", what, attempt, attempts, exc.reason)
            if attempt == attempts:
                raise unavailable(
                    f"{what} failed after {attempts} attempts: {exc.reason}"
                ) from None
            if backoff > 0:
                await asyncio.sleep(backoff * attempt)
    raise AssertionError("unreachable")  # pragma: no cover
