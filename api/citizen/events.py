"""Live events for the calling citizen: Server-Sent Events and a WebSocket."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from litestar import WebSocket, get, websocket
from litestar.channels import ChannelsPlugin
from litestar.exceptions import WebSocketDisconnect
from litestar.response import ServerSentEvent, ServerSentEventMessage

from api.errors import REDIS_RETRY_AFTER
from api.events import citizen_channel
from api.security.auth import authenticate, citizen_guard
from api.services import Services
from domain.errors import DomainError, Forbidden, UpstreamUnavailable
from domain.identity.principal import Principal

KEEPALIVE_SECONDS = 15.0


async def _events(
    channels: ChannelsPlugin, citizen_id: str
) -> AsyncIterator[ServerSentEventMessage]:
    async with channels.start_subscription([citizen_channel(citizen_id)]) as subscriber:
        yield ServerSentEventMessage(event="ready", data="{}")
        stream = subscriber.iter_events().__aiter__()
        # One pending read at a time, never cancelled by the keep-alive timer: cancelling the
        # subscriber's generator mid-read would end it, and with it the stream.
        pending = asyncio.ensure_future(stream.__anext__())
        try:
            while True:
                done, _ = await asyncio.wait({pending}, timeout=KEEPALIVE_SECONDS)
                if not done:
                    yield ServerSentEventMessage(comment="keep-alive")
                    continue
                message = json.loads(pending.result())
                pending = asyncio.ensure_future(stream.__anext__())
                yield ServerSentEventMessage(
                    event=message["event"], data=json.dumps(message["data"])
                )
        finally:
            pending.cancel()


@get(
    "/v1/me/events",
    media_type="text/event-stream",
    guards=[citizen_guard],
    tags=["citizen"],
    security=[{"BearerToken": []}],
    summary="Server-Sent Events: points.credited, voucher.redeemed",
)
async def events(
    principal: Principal, channels: ChannelsPlugin, services: Services
) -> ServerSentEvent:
    await _need_redis(services)
    return ServerSentEvent(_events(channels, principal.id), headers={"Cache-Control": "no-store"})


@websocket("/v1/me/stream", tags=["citizen"])
async def stream(socket: WebSocket, channels: ChannelsPlugin) -> None:
    """The same events over a WebSocket; token as ?access_token= or as the first message."""
    await socket.accept()
    try:
        principal = await _ws_principal(socket)
    except DomainError as exc:
        await socket.send_json({"event": "error", "data": {"code": exc.code}})
        # 1013: try again later (Redis is down); 4401: not signed in
        await socket.close(code=1013 if isinstance(exc, UpstreamUnavailable) else 4401)
        return
    async with channels.start_subscription([citizen_channel(principal.id)]) as subscriber:
        await socket.send_json({"event": "ready", "data": {}})
        try:
            async for raw in subscriber.iter_events():
                await socket.send_text(raw.decode() if isinstance(raw, bytes) else raw)
        except WebSocketDisconnect:
            return


async def _ws_principal(socket: WebSocket) -> Principal:
    if not socket.query_params.get("access_token") and "authorization" not in socket.headers:
        first = await socket.receive_json()
        token = first.get("access_token") if isinstance(first, dict) else None
        socket.scope["headers"].append((b"authorization", f"Bearer {token}".encode()))
    principal = await authenticate(socket)
    if principal.kind != "citizen":
        raise Forbidden("citizens only", code="citizens_only")
    await _need_redis(socket.app.state.services)
    return principal


async def _need_redis(services: Services) -> None:
    """Live events travel through Redis (when configured): while it is unreachable a new stream
    answers 503; a stream already open stays open and resumes when Redis is back."""
    if not await services.redis_available():
        raise UpstreamUnavailable(
            "live events are unavailable for a moment; retry shortly",
            code="dependency_unavailable",
            retry_after=REDIS_RETRY_AFTER,
        )
