"""Operator authentication: verify X-Puhui-* HMAC headers, then accept each nonce once
(remembered in the database: domain/operators/nonces.py)."""

from __future__ import annotations

import time

from litestar import Request

from api.services import Services
from domain.operators import nonces, signing
from domain.operators.service import signing_secret
from domain.persistence.tables import Operator
from domain.persistence.uow import UnitOfWork


def path_with_query(request: Request) -> str:
    """The path as the client sent it (percent-encoding kept) plus the query string."""
    raw = request.scope.get("raw_path") or request.scope["path"].encode()
    # Some servers put the query in raw_path too (httpx's ASGI transport); others do not.
    path = raw.decode("latin-1").split("?", 1)[0]
    query = request.scope.get("query_string", b"").decode("latin-1")
    return f"{path}?{query}" if query else path


async def provide_operator(
    request: Request, operator_id: str, uow: UnitOfWork, services: Services
) -> Operator:
    h = request.headers
    key_id = h.get("x-puhui-key", "")
    timestamp = h.get("x-puhui-timestamp", "")
    nonce = h.get("x-puhui-nonce", "")
    signature = h.get("x-puhui-signature", "")
    if not (key_id and timestamp and nonce and signature):
        raise signing.BadSignature(
            "send X-Puhui-Key, X-Puhui-Timestamp, X-Puhui-Nonce and X-Puhui-Signature",
            code="missing_signature",
        )
    ts = signing.check_freshness(timestamp, nonce, time.time())
    operator, secret = await signing_secret(uow, services.protector, operator_id, key_id)
    body = await request.body()
    signing.verify(
        secret, signature, request.method, path_with_query(request), timestamp, nonce, body
    )
    await nonces.accept(uow, key_id, nonce, ts)  # in this request's transaction
    return operator
