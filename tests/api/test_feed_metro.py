"""Metro journeys end to end: link, consent, push signed trips, see points and the ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from litestar.testing import AsyncTestClient

from domain.clock import shanghai_date
from domain.crypto import DataProtector
from domain.network.demo import nanjing_demo
from tests.helpers import (
    assert_problem,
    bearer,
    citizen_login,
    consent,
    import_demo_network,
    link_account,
    make_operator,
    signed_post,
)


@pytest.fixture
async def metro(db, settings) -> tuple[str, str, str]:
    op = await make_operator(db, DataProtector(settings.data_key), "metro")
    await import_demo_network(db, op[0])
    return op


def journey(ext: str, account: str, a: str, b: str, end: datetime, minutes: int = 20) -> dict:
    start = end - timedelta(minutes=minutes)
    return {
        "external_trip_id": ext,
        "external_account": account,
        "entry_station": a,
        "exit_station": b,
        "entry_time": start.isoformat(),
        "exit_time": end.isoformat(),
    }


async def push(client, metro, trips: list[dict]):
    op, key, secret = metro
    return await signed_post(client, f"/v1/operators/{op}/trips", key, secret, {"trips": trips})


async def test_a_journey_becomes_points(client: AsyncTestClient, metro, db) -> None:
    citizen = await citizen_login(client)
    await consent(client, citizen, db)
    await link_account(client, citizen, metro, "card-0001")
    end = datetime.now(UTC) - timedelta(minutes=5)
    r = await push(client, metro, [journey("j1", "card-0001", "NJM101", "NJM110", end)])
    assert r.status_code == 200, r.text
    [result] = r.json()["results"]
    expected_m = nanjing_demo().distance_m("NJM101", "NJM110")
    expected_g = expected_m * 46800 // 1_000_000
    assert result["status"] == "credited", result
    assert result["points"] == expected_g
    assert r.json()["summary"]["credited"] == 1

    me = (await client.get("/v1/me", headers=bearer(citizen["access_token"]))).json()
    assert me["points"]["balance"] == expected_g
    assert me["reductions"]["total_g"] == expected_g
    # "today" is the Shanghai day: a trip that ended before midnight there is yesterday's
    same_day = shanghai_date(end) == shanghai_date(datetime.now(UTC))
    assert me["reductions"]["today_g"] == (expected_g if same_day else 0)
    assert me["bindings_count"] == 1

    trips = (await client.get("/v1/me/trips", headers=bearer(citizen["access_token"]))).json()
    [trip] = trips["items"]
    assert trip["distance_m"] == expected_m
    assert trip["methodology"] == {"code": "NJ-GT", "version": 1}
    ledger = (await client.get("/v1/me/ledger", headers=bearer(citizen["access_token"]))).json()
    [entry] = ledger["items"]
    assert (entry["kind"], entry["points"], entry["balance_after"]) == (
        "earn",
        expected_g,
        expected_g,
    )
    assert entry["ref"] == trip["trip_id"]


async def test_replay_returns_the_stored_outcome_and_credits_nothing(client, metro, db) -> None:
    citizen = await citizen_login(client)
    await consent(client, citizen, db)
    await link_account(client, citizen, metro, "card-0002")
    end = datetime.now(UTC) - timedelta(minutes=5)
    batch = [journey("j2", "card-0002", "NJM101", "NJM110", end)]
    first = (await push(client, metro, batch)).json()["results"][0]
    again = (await push(client, metro, batch)).json()
    [dup] = again["results"]
    assert dup["status"] == "duplicate" and dup["trip_id"] == first["trip_id"]
    assert dup["points"] == first["points"]
    assert again["summary"]["duplicate"] == 1 and again["summary"]["credited"] == 0
    me = (await client.get("/v1/me", headers=bearer(citizen["access_token"]))).json()
    assert me["points"]["balance"] == first["points"]


async def test_unknown_station_and_zero_distance(client, metro, db) -> None:
    citizen = await citizen_login(client)
    await consent(client, citizen, db)
    await link_account(client, citizen, metro, "card-0003")
    end = datetime.now(UTC) - timedelta(minutes=5)
    r = await push(
        client,
        metro,
        [
            journey("u1", "card-0003", "NJM101", "NOPE", end),
            journey("z1", "card-0003", "NJM105", "NJM105", end - timedelta(hours=1)),
        ],
    )
    reasons = [(x["status"], x["reason"]) for x in r.json()["results"]]
    assert reasons == [("rejected", "unknown_station"), ("rejected", "zero_distance")]


async def test_bad_records_do_not_fail_the_batch(client, metro, db) -> None:
    citizen = await citizen_login(client)
    await consent(client, citizen, db)
    await link_account(client, citizen, metro, "card-0004")
    end = datetime.now(UTC) - timedelta(minutes=5)
    r = await push(
        client,
        metro,
        [
            {"external_trip_id": "broken"},
            journey("ok1", "card-0004", "NJM101", "NJM108", end),
            {
                "external_trip_id": "naive",
                "external_account": "card-0004",
                "entry_station": "NJM101",
                "exit_station": "NJM105",
                "entry_time": "2026-11-25T10:00:00",
                "exit_time": "2026-11-25T10:20:00",
            },
        ],
    )
    assert r.status_code == 200
    statuses = [(x["external_trip_id"], x["status"], x["reason"]) for x in r.json()["results"]]
    assert statuses[0] == ("broken", "rejected", "invalid_record")
    assert statuses[1] == ("ok1", "credited", None)
    assert statuses[2] == ("naive", "rejected", "invalid_record")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"trips": "nope"}, 422, "invalid_envelope"),
        ({"rides": []}, 422, "invalid_envelope"),
        ([1, 2], 422, "invalid_envelope"),
        ({"trips": [{}] * 1001}, 422, "batch_too_large"),
    ],
)
async def test_malformed_envelopes(client, metro, body, status, code) -> None:
    assert_problem(await push_raw(client, metro, body), status, code)


async def push_raw(client, metro, body):
    op, key, secret = metro
    return await signed_post(client, f"/v1/operators/{op}/trips", key, secret, body)


async def test_unbound_trips_wait_and_are_credited_when_linked_in_time(client, metro, db) -> None:
    citizen = await citizen_login(client)
    await consent(client, citizen)  # consent now: after the trip below ended
    end = datetime.now(UTC) - timedelta(days=2)
    r = await push(client, metro, [journey("p1", "card-late", "NJM101", "NJM110", end)])
    [pending] = r.json()["results"]
    assert (pending["status"], pending["reason"]) == ("pending", "unbound")
    # consent was given after that trip ended: it is not credited even once linked
    linked = await link_account(client, citizen, metro, "card-late")
    assert linked["pending_credited"] == 0
    trips = (await client.get("/v1/me/trips", headers=bearer(citizen["access_token"]))).json()
    assert [(t["status"], t["reason"]) for t in trips["items"]] == [("rejected", "no_consent")]


async def test_retroactive_credit_after_linking(client, metro, db) -> None:
    citizen = await citizen_login(client)
    await consent(client, citizen, db)
    end = datetime.now(UTC) - timedelta(minutes=30)
    await push(client, metro, [journey("p2", "card-retro", "NJM101", "NJM110", end)])
    linked = await link_account(client, citizen, metro, "card-retro")
    assert linked["pending_credited"] == 1
    me = (await client.get("/v1/me", headers=bearer(citizen["access_token"]))).json()
    assert me["points"]["balance"] > 0
    # a replay after linking is a duplicate, not a second credit
    r = await push(client, metro, [journey("p2", "card-retro", "NJM101", "NJM110", end)])
    assert r.json()["results"][0]["status"] == "duplicate"
    me2 = (await client.get("/v1/me", headers=bearer(citizen["access_token"]))).json()
    assert me2["points"]["balance"] == me["points"]["balance"]


async def test_a_trip_repeated_within_a_batch_is_credited_once(client, metro, db) -> None:
    citizen = await citizen_login(client)
    await consent(client, citizen, db)
    await link_account(client, citizen, metro, "card-twice")
    end = datetime.now(UTC) - timedelta(minutes=30)
    trip = journey("tw1", "card-twice", "NJM101", "NJM110", end)
    first, again = (await push(client, metro, [trip, trip])).json()["results"]
    assert first["status"] == "credited"
    assert (again["status"], again["trip_id"], again["points"]) == (
        "duplicate",
        first["trip_id"],
        0,
    )
    # repeated in a later batch too: both copies point at the stored trip
    later = (await push(client, metro, [trip, trip])).json()["results"]
    assert [r["trip_id"] for r in later] == [first["trip_id"]] * 2
