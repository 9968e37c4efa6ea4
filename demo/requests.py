"""Demo only: operator requests signed on the operator's behalf, so a newcomer can link a card
and take a trip without an operator (used by the H5 page when dev login is on; never in
production, where dev login cannot be enabled)."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta

import msgspec

from domain.crypto import DataProtector
from domain.errors import Conflict, InvalidInput, NotFound
from domain.network.service import NetworkCache
from domain.operators.signing import sign
from domain.persistence.uow import UnitOfWork

RIDE = timedelta(minutes=25)
MIN_RIDE = timedelta(minutes=3)


class SignedRequest(msgspec.Struct, frozen=True):
    method: str
    path: str
    headers: dict[str, str]
    body: str  # send exactly these bytes (UTF-8): the signature covers them


def _ride(lines: list[tuple[str, ...]], minutes: float) -> tuple[str, str]:
    """Two stations on one line, about one stop per 5 minutes of riding (a plausible speed)."""
    usable = [line for line in lines if len(line) >= 2]
    if not usable:
        raise InvalidInput("the operator has no network to ride", code="no_network")
    line = secrets.choice(usable)
    hops = max(1, min(4, int(minutes // 5), len(line) - 1))
    start = secrets.randbelow(len(line) - hops)
    return line[start], line[start + hops]


def _record(
    kind: str, account: str, lines: list[tuple[str, ...]], start: datetime, end: datetime
) -> dict:
    ext = f"demo-{secrets.token_hex(6)}"
    if kind == "metro":
        a, b = _ride(lines, (end - start).total_seconds() / 60)
        return {
            "external_trip_id": ext,
            "external_account": account,
            "entry_station": a,
            "exit_station": b,
            "entry_time": start.isoformat(),
            "exit_time": end.isoformat(),
        }
    if kind == "bus":
        return {
            "external_trip_id": ext,
            "external_account": account,
            "route_id": "demo-34",
            "board_stop": "demo-a",
            "board_time": start.isoformat(),
        }
    seconds = int((end - start).total_seconds())
    return {  # MDS 1.2 bike-share trip at about 12 km/h
        "trip_id": ext,
        "device_id": "demo-bike",
        "external_account": account,
        "trip_duration": seconds,
        "trip_distance": seconds * 10 // 3,
        "start_time": int(start.timestamp() * 1000),
        "end_time": int(end.timestamp() * 1000),
        "route": {"type": "FeatureCollection", "features": []},
    }


class TooSoon(Conflict):
    """The previous simulated trip ended moments ago; trips of one citizen must not overlap."""

    code = "too_soon"


async def _window(uow: UnitOfWork, citizen_id: str, now: datetime) -> tuple[datetime, datetime]:
    """A ride ending now, starting after the citizen's latest trip (at most 25 minutes long)."""
    start = now - RIDE
    latest = await uow.trips.of_citizen(citizen_id, before=None, limit=1)
    if latest and latest[0].ended_at >= start:
        start = latest[0].ended_at + timedelta(seconds=1)
    if now - start < MIN_RIDE:
        raise TooSoon("wait a few minutes before simulating another trip")
    return start, now


async def signed_request(
    uow: UnitOfWork,
    protector: DataProtector,
    networks: NetworkCache,
    *,
    operator_id: str,
    action: str,
    external_account: str,
    code: str | None,
    citizen_id: str,
    now: datetime,
) -> SignedRequest:
    operator = await uow.operators.get(operator_id)
    if operator is None or not operator.active:
        raise NotFound("no such operator", code="operator_not_found")
    keys = await uow.operators.active_keys(operator_id)
    if not keys:
        raise NotFound("the operator has no active key", code="no_key")
    key = keys[-1]
    if action == "bind":
        if not code:
            raise InvalidInput("a binding code is needed", code="code_required")
        path = f"/v1/operators/{operator_id}/bindings"
        payload: dict = {"code": code, "external_account": external_account}
    elif action == "trip":
        network = await networks.get(uow, operator_id)
        lines = list(network.lines.values()) if network else []
        path = f"/v1/operators/{operator_id}/trips"
        start, end = await _window(uow, citizen_id, now)
        payload = {"trips": [_record(operator.kind, external_account, lines, start, end)]}
    else:
        raise InvalidInput("action is bind or trip", code="invalid_action")
    body = json.dumps(payload, ensure_ascii=False)
    timestamp, nonce = str(int(now.timestamp())), secrets.token_hex(16)
    secret = protector.decrypt(key.secret_encrypted)
    signature = sign(secret, "POST", path, timestamp, nonce, body.encode())
    headers = {
        "X-Puhui-Key": key.id,
        "X-Puhui-Timestamp": timestamp,
        "X-Puhui-Nonce": nonce,
        "X-Puhui-Signature": signature,
    }
    return SignedRequest(method="POST", path=path, headers=headers, body=body)
