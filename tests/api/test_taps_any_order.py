"""Raw metro taps in any order through the signed feed: a tap-out that comes before its tap-in
(its gate uploaded late) waits up to 4 h and pairs when the tap-in comes, and the batch's `taps`
summary says what waits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import api.deps
from domain.crypto import DataProtector
from domain.network.demo import nanjing_demo
from integrations.metro import Tap, journey_id
from tests.helpers import (
    bearer,
    citizen_login,
    consent,
    import_demo_network,
    link_account,
    make_operator,
    signed_post,
)

CARD = "late-gate-card"


def points(a: str, b: str) -> int:
    return nanjing_demo().distance_m(a, b) * 46800 // 1_000_000


def tap(direction: str, station: str, time: datetime, account: str = CARD) -> dict[str, Any]:
    return {
        "external_account": account,
        "tap": direction,
        "station": station,
        "time": time.isoformat(),
    }


def summary(**counts: int) -> dict[str, int]:
    zero = dict.fromkeys(("invalid", "journeys", "open", "waiting_out", "expired", "orphans"), 0)
    return {**zero, **counts}


async def _rider(client, db, settings) -> tuple[dict[str, Any], tuple[str, str, str]]:
    op = await make_operator(db, DataProtector(settings.data_key), "metro")
    await import_demo_network(db, op[0])
    citizen = await citizen_login(client)
    await consent(client, citizen, db)
    await link_account(client, citizen, op, CARD)
    return citizen, op


async def _push(client, op, taps: list[dict[str, Any]]) -> dict[str, Any]:
    r = await signed_post(client, f"/v1/operators/{op[0]}/trips", op[1], op[2], {"taps": taps})
    assert r.status_code == 200, r.text
    return r.json()


async def _balance(client, citizen) -> int:
    r = await client.get("/v1/me", headers=bearer(citizen["access_token"]))
    assert r.status_code == 200, r.text
    return r.json()["points"]["balance"]


async def test_a_tap_out_before_its_tap_in_in_one_batch(client, db, settings) -> None:
    _citizen, op = await _rider(client, db, settings)
    t = datetime.now(UTC) - timedelta(hours=1)
    out_first = [tap("out", "NJM112", t + timedelta(minutes=30)), tap("in", "NJM101", t)]
    body = await _push(client, op, out_first)
    [journey] = body["results"]
    assert (journey["status"], journey["points"]) == ("credited", points("NJM101", "NJM112"))
    assert body["taps"] == summary(received=2, journeys=1)


async def test_a_tap_out_waits_for_its_tap_in_in_a_later_batch(client, db, settings) -> None:
    citizen, op = await _rider(client, db, settings)
    t = datetime.now(UTC) - timedelta(hours=3)
    tap_in, tap_out = tap("in", "NJM101", t), tap("out", "NJM112", t + timedelta(minutes=30))

    first = await _push(client, op, [tap_out])
    assert first["results"] == []
    assert first["taps"] == summary(received=1, waiting_out=1)
    again = await _push(client, op, [tap_out])  # the gate uploads it once more
    assert again["taps"] == summary(received=1, waiting_out=1)

    second = await _push(client, op, [tap_in])
    [journey] = second["results"]
    assert journey["status"] == "credited"
    assert journey["points"] == points("NJM101", "NJM112")
    # the id a tap-in-first upload gives too: the journey's id comes from its tap-in alone
    assert journey["external_trip_id"] == journey_id(Tap(CARD, "in", "NJM101", t))
    assert second["taps"] == summary(received=1, journeys=1)
    balance = await _balance(client, citizen)
    assert balance == journey["points"]

    # replays, in either order, answer the stored journey and credit nothing more
    replay = await _push(client, op, [tap_in, tap_out])
    assert [r["status"] for r in replay["results"]] == ["duplicate"]
    await _push(client, op, [tap_out])
    late_replay = await _push(client, op, [tap_in])
    assert [r["status"] for r in late_replay["results"]] == ["duplicate"]
    assert late_replay["results"][0]["external_trip_id"] == journey["external_trip_id"]
    assert await _balance(client, citizen) == balance


async def test_a_tap_out_waits_beside_an_open_tap_in_of_the_same_account(
    client, db, settings
) -> None:
    citizen, op = await _rider(client, db, settings)
    t = datetime.now(UTC) - timedelta(hours=3)
    # two journeys: NJM101 -> NJM106, then NJM201 -> NJM210; the first tap-in's gate is late
    second_in = tap("in", "NJM201", t + timedelta(minutes=60))
    first = await _push(client, op, [second_in])
    assert first["taps"] == summary(received=1, open=1)
    first_out = tap("out", "NJM106", t + timedelta(minutes=20))
    waiting = await _push(client, op, [first_out])
    assert waiting["results"] == []
    assert waiting["taps"] == summary(received=1, open=1, waiting_out=1)

    late = await _push(
        client,
        op,
        [tap("out", "NJM210", t + timedelta(minutes=85)), tap("in", "NJM101", t)],
    )
    assert [r["status"] for r in late["results"]] == ["credited", "credited"]
    assert sorted(r["points"] for r in late["results"]) == sorted(
        [points("NJM101", "NJM106"), points("NJM201", "NJM210")]
    )
    assert late["taps"] == summary(received=2, journeys=2)
    assert await _balance(client, citizen) == sum(r["points"] for r in late["results"])


async def test_a_tap_out_seen_twice_in_a_batch_counts_once(client, db, settings) -> None:
    _citizen, op = await _rider(client, db, settings)
    t = datetime.now(UTC) - timedelta(hours=2)
    out = tap("out", "NJM112", t + timedelta(minutes=30))
    body = await _push(client, op, [out, out, {**out, "device": "gate-9"}, tap("in", "NJM101", t)])
    assert [r["status"] for r in body["results"]] == ["credited"]
    assert body["taps"] == summary(received=4, journeys=1)


async def test_a_tap_out_older_than_four_hours_without_its_tap_in_is_an_orphan(
    client, db, settings
) -> None:
    _citizen, op = await _rider(client, db, settings)
    t = datetime.now(UTC) - timedelta(hours=5)
    body = await _push(client, op, [tap("out", "NJM112", t)])
    assert body["results"] == [] and body["taps"] == summary(received=1, orphans=1)
    # its tap-in, later still, finds nothing to pair with and is too old to wait
    body = await _push(client, op, [tap("in", "NJM101", t - timedelta(minutes=20))])
    assert body["results"] == [] and body["taps"] == summary(received=1, expired=1)


async def test_a_waiting_tap_out_is_given_up_after_four_hours(
    client, db, settings, monkeypatch
) -> None:
    citizen, op = await _rider(client, db, settings)
    t = datetime.now(UTC) - timedelta(minutes=30)
    waiting = await _push(client, op, [tap("out", "NJM112", t)])
    assert waiting["taps"] == summary(received=1, waiting_out=1)

    real_utcnow = api.deps.utcnow
    monkeypatch.setattr(api.deps, "utcnow", lambda: real_utcnow() + timedelta(hours=4))
    later = datetime.now(UTC) + timedelta(hours=4)
    next_ride = [
        tap("in", "NJM201", later - timedelta(minutes=30)),
        tap("out", "NJM210", later - timedelta(minutes=5)),
    ]
    body = await _push(client, op, next_ride)
    assert [r["status"] for r in body["results"]] == ["credited"]
    assert body["taps"] == summary(received=2, journeys=1, orphans=1)
    # its tap-in comes too late: nothing is left to pair it with
    body = await _push(client, op, [tap("in", "NJM101", t - timedelta(minutes=20))])
    assert body["results"] == [] and body["taps"] == summary(received=1, expired=1)
    assert await _balance(client, citizen) == points("NJM201", "NJM210")
