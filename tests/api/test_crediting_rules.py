"""Rules that need state: daily caps in Shanghai days, overlap, methodology versions in force."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from domain.clock import SHANGHAI
from domain.crypto import DataProtector
from domain.identity.principal import Role
from domain.methodology.params import NJ_GT_V1, to_json
from tests.api.test_feed_metro import journey, push
from tests.helpers import (
    bearer,
    citizen_login,
    consent,
    import_demo_network,
    link_account,
    make_operator,
    staff_login,
)
from tests.review_world import pass_review


@pytest.fixture
async def rider(client, db, settings):
    metro = await make_operator(db, DataProtector(settings.data_key), "metro")
    await import_demo_network(db, metro[0])
    citizen = await citizen_login(client)
    await consent(client, citizen, db)
    await link_account(client, citizen, metro, "card-r")
    return citizen, metro


def shanghai(day_offset: int, hh: int, mm: int) -> datetime:
    today = datetime.now(SHANGHAI).date()
    return datetime.combine(today + timedelta(days=day_offset), time(hh, mm), tzinfo=SHANGHAI)


def _statuses(r) -> list[tuple[str, str | None, int]]:
    return [(x["status"], x["reason"], x["points"]) for x in r.json()["results"]]


async def test_daily_trip_cap_resets_at_shanghai_midnight(client, rider) -> None:
    _citizen, metro = rider
    # ten short trips on day D (Shanghai), the 11th at 23:55 D, the 12th at 00:05 D+1
    trips = [
        journey(f"c{i}", "card-r", "NJM101", "NJM104", shanghai(-2, 12 + i // 2, (i % 2) * 30 + 25))
        for i in range(10)
    ]
    trips.append(journey("c10", "card-r", "NJM101", "NJM104", shanghai(-2, 23, 55), minutes=10))
    trips.append(journey("c11", "card-r", "NJM101", "NJM104", shanghai(-1, 0, 5), minutes=8))
    r = await push(client, metro, trips)
    got = _statuses(r)
    assert [s for s, _, _ in got[:10]] == ["credited"] * 10
    assert got[10][:2] == ("capped", "daily_trip_cap") and got[10][2] == 0
    assert got[11][0] == "credited"  # 00:05 in Shanghai is the next day (16:05 UTC the day before)
    assert shanghai(-1, 0, 5).astimezone(UTC).date() == shanghai(-2, 23, 55).date()


async def test_daily_points_cap_credits_up_to_the_cap(client, rider) -> None:
    citizen, metro = rider
    long = [
        journey(f"l{i}", "card-r", "NJM101", "NJM127", shanghai(-2, 8 + 2 * i, 0), minutes=60)
        for i in range(3)
    ]
    r = await push(client, metro, long)
    (s1, _, p1), (s2, _, p2), (s3, r3, p3) = _statuses(r)
    assert (s1, s2) == ("credited", "credited")
    assert p1 > 1500 and p1 + p2 == 3000  # the second earns only up to the cap
    assert (s3, r3, p3) == ("capped", "daily_points_cap", 0)
    me = (await client.get("/v1/me", headers=bearer(citizen["access_token"]))).json()
    assert me["points"]["balance"] == 3000


async def test_overlapping_trips_credit_once(client, rider) -> None:
    _citizen, metro = rider
    end = datetime.now(UTC) - timedelta(hours=2)
    r = await push(
        client,
        metro,
        [
            journey("o1", "card-r", "NJM101", "NJM110", end, minutes=30),
            journey("o2", "card-r", "NJM201", "NJM210", end + timedelta(minutes=15), minutes=30),
            journey("o3", "card-r", "NJM201", "NJM210", end + timedelta(minutes=60), minutes=30),
        ],
    )
    got = _statuses(r)
    assert got[0][0] == "credited"
    assert got[1][:2] == ("rejected", "overlap")
    assert got[2][0] == "credited"  # touching the first trip's end is not an overlap
    # an overlapping trip in a later batch is caught against the stored ones
    r = await push(client, metro, [journey("o4", "card-r", "NJM101", "NJM105", end, minutes=10)])
    assert _statuses(r)[0][:2] == ("rejected", "overlap")


async def test_trips_use_the_methodology_version_in_force_at_their_end(client, db, rider) -> None:
    citizen, metro = rider
    admin = await staff_login(client, db, Role.ADMIN)
    h = bearer(admin["access_token"])
    params = to_json(NJ_GT_V1)
    params["modes"]["metro"]["mode_g_per_pkm"] = "20.0"  # net 100 g per km instead of 46.8
    r = await client.post(
        "/v1/admin/methodologies",
        headers=h,
        json={"code": "NJ-GT", "title": "v2", "methodology_class": "I", "params": params},
    )
    assert r.status_code == 201, r.text
    v2 = r.json()
    assert v2["version"] == 2 and v2["status"] == "draft"
    assert (
        await client.post(f"/v1/admin/methodologies/{v2['methodology_id']}/submit", headers=h)
    ).json()["status"] == "in_review"
    await pass_review(client, db, "methodology", v2["methodology_id"])  # publishing needs one
    switch = datetime.now(UTC) + timedelta(minutes=1)
    r = await client.post(
        f"/v1/admin/methodologies/{v2['methodology_id']}/publish",
        headers=h,
        json={"effective_from": switch.isoformat()},
    )
    assert r.status_code == 201, r.text

    before = journey("m1", "card-r", "NJM101", "NJM110", switch - timedelta(minutes=40))
    after = journey("m2", "card-r", "NJM201", "NJM210", switch + timedelta(minutes=2))
    r = await push(client, metro, [before, after])
    assert [x["status"] for x in r.json()["results"]] == ["credited", "credited"]
    trips = (await client.get("/v1/me/trips", headers=bearer(citizen["access_token"]))).json()
    by_id = {t["trip_id"]: t for t in trips["items"]}
    t1, t2 = (by_id[x["trip_id"]] for x in r.json()["results"])
    assert t1["methodology"] == {"code": "NJ-GT", "version": 1}
    assert t2["methodology"] == {"code": "NJ-GT", "version": 2}
    assert t1["reduction_g"] == t1["distance_m"] * 46800 // 1_000_000
    assert t2["reduction_g"] == t2["distance_m"] * 100000 // 1_000_000
    # the public list shows v1 handing over to v2
    public = (await client.get("/v1/public/methodologies")).json()
    v1 = next(v for v in public if (v["code"], v["version"]) == ("NJ-GT", 1))
    assert v1["effective_until"] is not None


async def test_methodology_lifecycle_rules(client, db) -> None:
    admin = await staff_login(client, db, Role.ADMIN)
    ops = await staff_login(client, db, Role.OPERATIONS)
    h, ho = bearer(admin["access_token"]), bearer(ops["access_token"])
    bad = to_json(NJ_GT_V1)
    bad["modes"]["metro"]["mode_g_per_pkm"] = "130.0"  # above the baseline
    r = await client.post(
        "/v1/admin/methodologies",
        headers=ho,
        json={"code": "NJ-X", "title": "bad", "methodology_class": "II", "params": bad},
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_methodology"
    r = await client.post(
        "/v1/admin/methodologies",
        headers=ho,
        json={
            "code": "NJ-X",
            "title": "ok",
            "methodology_class": "II",
            "params": to_json(NJ_GT_V1),
        },
    )
    mid = r.json()["methodology_id"]
    r = await client.post(f"/v1/admin/methodologies/{mid}/publish", headers=h)
    assert r.status_code == 409 and r.json()["code"] == "not_in_review"
    await client.post(f"/v1/admin/methodologies/{mid}/submit", headers=ho)
    r = await client.post(f"/v1/admin/methodologies/{mid}/publish", headers=ho)
    assert r.status_code == 403  # only admins publish
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    r = await client.post(
        f"/v1/admin/methodologies/{mid}/publish", headers=h, json={"effective_from": past}
    )
    assert r.status_code == 422 and r.json()["code"] == "effective_in_past"
    r = await client.patch(f"/v1/admin/methodologies/{mid}", headers=ho, json={"title": "x"})
    assert r.status_code == 409 and r.json()["code"] == "not_a_draft"


async def test_time_window_and_duration_reasons_through_the_feed(client, rider) -> None:
    _citizen, metro = rider
    now = datetime.now(UTC)
    r = await push(
        client,
        metro,
        [
            journey("old", "card-r", "NJM101", "NJM110", now - timedelta(days=7, minutes=1)),
            journey("future", "card-r", "NJM101", "NJM110", now + timedelta(minutes=6)),
            journey("quick", "card-r", "NJM101", "NJM102", now - timedelta(hours=3), minutes=1),
            journey("long", "card-r", "NJM101", "NJM110", now - timedelta(hours=1), minutes=241),
            journey(
                "backwards", "card-r", "NJM101", "NJM110", now - timedelta(hours=9), minutes=-20
            ),
        ],
    )
    assert [(x["external_trip_id"], x["reason"]) for x in r.json()["results"]] == [
        ("old", "too_old"),
        ("future", "in_future"),
        ("quick", "bad_duration"),
        ("long", "bad_duration"),
        ("backwards", "bad_duration"),
    ]
    assert r.json()["summary"]["rejected"] == 5
