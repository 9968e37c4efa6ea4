"""The staff dashboard (GET /v1/admin/dashboard) and staff reconciliation: the figures after
real trips of two modes, vouchers bought, redeemed and cancelled, a donation and expired points."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.clock import SHANGHAI, shanghai_date, utcnow
from domain.crypto import DataProtector
from domain.identity.principal import Role
from domain.ledger.postings import credit, locked_citizen_account
from domain.network.demo import nanjing_demo
from jobs import points_expiry
from tests.api.test_crediting_rules import shanghai
from tests.api.test_feed_metro import journey, push
from tests.economy import buy, cashier, give_points, make_merchant, make_offer, scan
from tests.helpers import (
    assert_problem,
    bearer,
    citizen_login,
    consent,
    import_demo_network,
    link_account,
    make_operator,
    signed_headers,
    signed_post,
    staff_login,
)

METRO_G = 46800  # mg per person-km, NJ-GT v1: baseline minus metro
BIKE_G = 93300


def _metro_g(a: str, b: str) -> int:
    return nanjing_demo().distance_m(a, b) * METRO_G // 1_000_000


def _bike(ext: str, account: str, end: datetime, metres: int) -> dict:
    start = end - timedelta(minutes=15)
    return {
        "trip_id": ext,
        "device_id": "d-" + ext,
        "external_account": account,
        "start_time": int(start.timestamp() * 1000),
        "end_time": int(end.timestamp() * 1000),
        "duration": 900,
        "distance": metres,
        "start_location": {"lat": 32.04, "lng": 118.78},
        "end_location": {"lat": 32.05, "lng": 118.79},
    }


async def _earned_lot(db, citizen_id: str, expires_at: datetime, points: int) -> None:
    async with db.unit_of_work() as uow:
        account = await locked_citizen_account(uow, citizen_id, utcnow())
        await credit(
            uow,
            account,
            lots={expires_at: points},
            kind="earn",
            counter_account="sys:issuance",
            key=f"test-lot:{uuid.uuid4().hex}",
            ref=None,
            now=utcnow(),
        )


@pytest.fixture
async def world(client, db, settings) -> dict:
    """Two citizens; metro trips on the two previous Shanghai days, one bike-share trip, one
    rejected and one pending metro trip; then vouchers, a donation and an expired lot today."""
    protector = DataProtector(settings.data_key)
    metro = await make_operator(db, protector, "metro")
    await import_demo_network(db, metro[0])
    bike = await make_operator(db, protector, "bikeshare")
    a, b = await citizen_login(client), await citizen_login(client)
    for citizen in (a, b):
        await consent(client, citizen, db)
    await link_account(client, a, metro, "card-a")
    await link_account(client, a, bike, "bike-a")
    await link_account(client, b, metro, "card-b")

    r = await push(
        client,
        metro,
        [
            journey("m1", "card-a", "NJM101", "NJM110", shanghai(-2, 9, 0)),
            journey("m2", "card-a", "NJM101", "NJM106", shanghai(-1, 9, 0)),
            journey("m3", "card-b", "NJM101", "NJM110", shanghai(-1, 18, 0)),
            journey("m4", "card-a", "NJM101", "NOPE", shanghai(-1, 12, 0)),  # rejected
            journey("m5", "nobody", "NJM101", "NJM110", shanghai(-1, 13, 0)),  # pending
        ],
    )
    statuses = [x["status"] for x in r.json()["results"]]
    assert statuses == ["credited", "credited", "credited", "rejected", "pending"], r.text
    trip_points = sum(x["points"] for x in r.json()["results"])
    r = await signed_post(
        client,
        f"/v1/operators/{bike[0]}/trips",
        bike[1],
        bike[2],
        {"trips": [_bike("b1", "bike-a", shanghai(-1, 20, 0), 2345)]},
    )
    [bike_result] = r.json()["results"]
    assert bike_result["status"] == "credited", r.text
    trip_points += bike_result["points"]

    # the economy, today: 3 + 1 vouchers bought, one redeemed, one cancelled
    merchant = await make_merchant(db)
    tea = await make_offer(db, merchant, price=50)
    cake = await make_offer(db, merchant, price=70)
    await give_points(db, a["citizen_id"], 1000)  # an adjustment: not "issued"
    bought = [(await buy(client, a, offer)).json() for offer in (tea, tea, tea, cake)]
    till = await cashier(client, db, merchant)
    assert (await scan(client, till, code=bought[0]["code"])).status_code == 200
    r = await client.post(
        f"/v1/me/vouchers/{bought[1]['voucher_id']}/cancel", headers=bearer(a["access_token"])
    )
    assert r.status_code == 200, r.text
    # a donation of 2 trees at 100 points, and 40 earned points whose lot has expired
    ops = bearer((await staff_login(client, db, Role.OPERATIONS))["access_token"])
    r = await client.post(
        "/v1/admin/donation-projects",
        json={"name": "Trees", "unit_name": "tree", "points_per_unit": 100},
        headers=ops,
    )
    r = await client.post(
        "/v1/me/donations",
        json={"project_id": r.json()["project_id"], "units": 2},
        headers={**bearer(a["access_token"]), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 201, r.text
    await _earned_lot(db, b["citizen_id"], utcnow() - timedelta(seconds=1), 40)
    assert await points_expiry.run(db, utcnow()) == 1
    return {
        "metro": metro,
        "bike": bike,
        "tea": tea,
        "cake": cake,
        "merchant": merchant,
        "issued": trip_points + 40,
        "staff": ops,
    }


async def test_the_dashboard_adds_up(client, db, world) -> None:
    r = await client.get("/v1/admin/dashboard", headers=world["staff"])
    assert r.status_code == 200, r.text
    body = r.json()
    today = shanghai_date(datetime.now(UTC))
    days = [(today - timedelta(days=n)).isoformat() for n in range(13, -1, -1)]
    assert body["days"] == days  # 14 Shanghai days by default, oldest first, today last
    d1, d2 = days[-2], days[-3]

    m1, m2, m3 = (
        _metro_g("NJM101", "NJM110"),
        _metro_g("NJM101", "NJM106"),
        _metro_g("NJM101", "NJM110"),
    )
    assert body["by_day_mode"] == [
        {"day": d2, "mode": "metro", "credited_trips": 1, "reduction_g": m1},
        {
            "day": d1,
            "mode": "bikeshare",
            "credited_trips": 1,
            "reduction_g": 2345 * BIKE_G // 10**6,
        },
        {"day": d1, "mode": "metro", "credited_trips": 2, "reduction_g": m2 + m3},
    ]
    assert body["active_citizens"] == 2

    expected = {"issued": world["issued"], "redeemed": 3 * 50 + 70 - 50, "expired": 40}
    expected["donated"] = 200
    assert body["totals"] == expected
    assert [p["day"] for p in body["points_by_day"]] == days
    assert body["points_by_day"][-1] == {"day": today.isoformat(), **expected}
    assert all(
        (p["issued"], p["redeemed"], p["expired"], p["donated"]) == (0, 0, 0, 0)
        for p in body["points_by_day"][:-1]
    )

    assert body["top_offers"] == [
        {
            "offer_id": world["tea"],
            "title": "Green tea",
            "merchant_id": world["merchant"],
            "vouchers_sold": 3,
            "vouchers_redeemed": 1,
            "points": 150,
        },
        {
            "offer_id": world["cake"],
            "title": "Green tea",
            "merchant_id": world["merchant"],
            "vouchers_sold": 1,
            "vouchers_redeemed": 0,
            "points": 70,
        },
    ]

    ops = {o["operator_id"]: o for o in body["operators"]}
    metro, bike = ops[world["metro"][0]], ops[world["bike"][0]]
    assert (metro["kind"], metro["received"], metro["credited"], metro["rejected"]) == (
        "metro",
        5,
        3,
        1,
    )
    assert metro["reject_rate"] == 0.2
    assert (bike["kind"], bike["received"], bike["credited"], bike["rejected"]) == (
        "bikeshare",
        1,
        1,
        0,
    )
    assert bike["reject_rate"] == 0
    received = datetime.fromisoformat(metro["last_trip_received_at"])
    assert abs(received - datetime.now(UTC)) < timedelta(minutes=5)


async def test_the_period_is_counted_in_shanghai_days(client, world) -> None:
    only_today = (await client.get("/v1/admin/dashboard?days=1", headers=world["staff"])).json()
    assert only_today["days"] == [shanghai_date(datetime.now(UTC)).isoformat()]
    assert only_today["by_day_mode"] == [] and only_today["active_citizens"] == 0
    assert only_today["totals"]["issued"] == world["issued"]  # postings were made today
    assert {o["received"] for o in only_today["operators"]} == {0}
    assert {o["last_trip_received_at"] for o in only_today["operators"]} == {None}

    two = (await client.get("/v1/admin/dashboard?days=2", headers=world["staff"])).json()
    assert {row["day"] for row in two["by_day_mode"]} == {two["days"][0]}
    assert two["active_citizens"] == 2  # both rode yesterday; the day before is outside
    assert sum(row["credited_trips"] for row in two["by_day_mode"]) == 3

    # a day starts at 00:00 in Shanghai, i.e. 16:00 UTC the day before
    start = datetime.combine(datetime.now(SHANGHAI).date(), datetime.min.time(), SHANGHAI)
    assert start.astimezone(UTC).hour == 16


async def test_staff_reconciliation_matches_the_operators_own(client, world) -> None:
    op, key, secret = world["metro"]
    day = (datetime.now(SHANGHAI).date() - timedelta(days=1)).isoformat()
    path = f"/v1/operators/{op}/reconciliation?date={day}"
    own = await client.get(path, headers=signed_headers("GET", path, key, secret))
    assert own.status_code == 200, own.text
    staff = await client.get(
        f"/v1/admin/operators/{op}/reconciliation?date={day}", headers=world["staff"]
    )
    assert staff.status_code == 200, staff.text
    assert staff.json() == own.json()
    body = staff.json()
    assert {s: v["trips"] for s, v in body["statuses"].items()} == {
        "credited": 2,
        "rejected": 1,
        "pending": 1,
    }
    assert body["total"]["trips"] == 4
    assert_problem(
        await client.get(
            f"/v1/admin/operators/nope/reconciliation?date={day}", headers=world["staff"]
        ),
        404,
        "operator_not_found",
    )
    assert_problem(
        await client.get(f"/v1/admin/operators/{op}/reconciliation", headers=world["staff"]), 400
    )


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OPERATIONS, Role.AUDITOR])
async def test_staff_roles_may_read(client, db, role) -> None:
    who = bearer((await staff_login(client, db, role))["access_token"])
    r = await client.get("/v1/admin/dashboard?days=90", headers=who)
    assert r.status_code == 200, r.text
    assert len(r.json()["days"]) == 90
    assert r.json()["totals"] == {"issued": 0, "redeemed": 0, "expired": 0, "donated": 0}


async def test_others_may_not(client, db) -> None:
    merchant = await make_merchant(db)
    till = await staff_login(client, db, Role.MERCHANT, merchant)
    citizen = await citizen_login(client)
    for who in (till, citizen):
        for path in ("/v1/admin/dashboard", "/v1/admin/operators/x/reconciliation?date=2026-01-01"):
            assert_problem(
                await client.get(path, headers=bearer(who["access_token"])), 403, "role_required"
            )
    assert_problem(await client.get("/v1/admin/dashboard"), 401)


@pytest.mark.parametrize("days", ["0", "91", "-3", "x", ""])
async def test_bad_days(client, db, days) -> None:
    who = bearer((await staff_login(client, db, Role.AUDITOR))["access_token"])
    assert_problem(await client.get(f"/v1/admin/dashboard?days={days}", headers=who), 400)
