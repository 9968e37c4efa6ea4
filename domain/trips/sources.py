"""The pull port: where the platform fetches an operator's records an hour at a time.

A source speaks one provider protocol (MDS, or the paged JSON export of other formats) and is
opened by the entry point's `SourceOpener` for a configured feed. Its errors are these two.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, Protocol

import msgspec

from domain.errors import DomainError


class HourNotReady(DomainError):
    """The provider has not got that hour ready yet: ask again at a later run."""

    code = "feed_hour_not_ready"


class PullFailed(DomainError):
    """The provider refused the request, or failed after retries."""

    code = "feed_pull_failed"


class PullTarget(msgspec.Struct, frozen=True):
    """A configured feed: where to pull, with which token, in which format."""

    operator_id: str
    base_url: str
    token: str
    format: str
    records: str  # the export's path for this format ("trips", "taps", ...)


class FeedSource(Protocol):
    async def records_for_hour(self, hour: datetime) -> list[Any]:
        """Every record of the hour starting at `hour` (UTC), all pages followed."""
        ...


SourceOpener = Callable[[PullTarget], AbstractAsyncContextManager[FeedSource]]
