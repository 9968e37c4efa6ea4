"""The SourceOpener the pull job uses: a configured feed -> the client that speaks its protocol.

MDS formats (`mds-1.2`, `mds-2.0`) are pulled from the provider's MDS endpoint; every other format
from the operator's paged JSON export, under the format's records path (`trips`, `taps`, ...).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from domain.trips.sources import FeedSource, PullTarget
from integrations.bikeshare.pull import MdsPullClient
from integrations.exports.pull import ExportPullClient

MDS_PREFIX = "mds-"


@asynccontextmanager
async def open_source(target: PullTarget, **options: Any) -> AsyncIterator[FeedSource]:
    """The open client for `target`, closed on exit. `options` (timeout, retries, backoff,
    transport) go to the client, for tests and tuning."""
    source: MdsPullClient | ExportPullClient
    if target.format.startswith(MDS_PREFIX):
        source = MdsPullClient(
            base_url=target.base_url,
            token=target.token,
            version=target.format.removeprefix(MDS_PREFIX),
            **options,
        )
    else:
        source = ExportPullClient(
            base_url=target.base_url, token=target.token, records=target.records, **options
        )
    async with source:
        yield source
