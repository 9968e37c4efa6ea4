"""Idempotency-Key handling for writes that move points: replay the first answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Response
from litestar.params import HeaderParameter

from domain.ledger import idempotency
from domain.persistence.uow import UnitOfWork

IDEMPOTENCY_KEY = HeaderParameter(
    name="Idempotency-Key",
    required=True,
    min_length=1,
    max_length=128,
    description="unique per intended write; a replay returns the first response",
)


async def replayed(
    uow: UnitOfWork, owner: str, key: str, operation: str, body: Any, now: datetime
) -> Response[Any] | None:
    """The stored response if `key` was used before for the same request, else None."""
    digest = idempotency.request_hash(operation, msgspec.to_builtins(body))
    first = await idempotency.begin(uow, owner, key, digest, now)
    if first is None:
        return None
    return Response(content=first.response, status_code=first.status_code)


async def answered(
    uow: UnitOfWork, owner: str, key: str, status_code: int, body: msgspec.Struct
) -> Response[Any]:
    content = msgspec.to_builtins(body)
    await idempotency.finish(uow, owner, key, status_code, content)
    return Response(content=body, status_code=status_code)
