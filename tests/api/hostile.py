"""What the hostile-input tests share: the inputs, well-formed feed records to spoil, the
operators they are pushed to, and signed pushes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.helpers import bearer, citizen_login, signed_headers

DEEP = b"[" * 200_000 + b"]" * 200_000
DEEP_OBJECT = b'{"a":' * 200_000 + b"1" + b"}" * 200_000
CALENDAR_ENDS = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]
NUL = "bad\u0000value"
NOW = datetime.now(UTC)
DECODED_CURSORS = {"/v1/me/trips", "/v1/me/ledger", "/v1/merchant/redemptions"}  # base64 JSON


def iso(moment: datetime) -> str:
    return moment.isoformat()


def journey_record(ext: str, **changes: Any) -> dict[str, Any]:
    end = NOW - timedelta(hours=2)
    record = {
        "external_trip_id": ext,
        "external_account": "card-1",
        "entry_station": "NJM101",
        "exit_station": "NJM108",
        "entry_time": iso(end - timedelta(minutes=20)),
        "exit_time": iso(end),
    }
    return record | changes


def tap_record(direction: str, station: str, moment: str) -> dict[str, Any]:
    return {"external_account": "card-2", "tap": direction, "station": station, "time": moment}


def mds_record(trip_id: str, **changes: Any) -> dict[str, Any]:
    end = int((NOW - timedelta(hours=2)).timestamp() * 1000)
    record = {
        "trip_id": trip_id,
        "external_account": "rider-1",
        "start_time": end - 900_000,
        "end_time": end,
        "duration": 900,
        "distance": 2500,
    }
    return record | changes


def boarding_record(ext: str, **changes: Any) -> dict[str, Any]:
    board = NOW - timedelta(hours=2)
    record = {
        "external_trip_id": ext,
        "external_account": "bus-card-1",
        "route_id": "R1",
        "board_stop": "NJM101",
        "board_time": iso(board),
        "alight_stop": "NJM108",
        "alight_time": iso(board + timedelta(minutes=25)),
    }
    return record | changes


async def push_raw(client, op: tuple[str, str, str], body: bytes):
    path = f"/v1/operators/{op[0]}/trips"
    return await client.post(
        path, content=body, headers=signed_headers("POST", path, *op[1:], body)
    )


async def push(client, op: tuple[str, str, str], envelope: str, records: list[Any]):
    return await push_raw(client, op, json.dumps({envelope: records}).encode())


async def send_body(client, operators, where: str, body: bytes):
    """Send raw `body` to one of the JSON endpoints a hostile body is tried on."""
    if where == "trips":
        return await push_raw(client, operators["metro"], body)
    headers = {"content-type": "application/json"}
    if where == "auth_dev":
        return await client.post("/v1/auth/dev", content=body, headers=headers)
    citizen = await citizen_login(client)
    return await client.put(
        "/v1/me/consent", content=body, headers=headers | bearer(citizen["access_token"])
    )
