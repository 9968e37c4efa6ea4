"""Aggregating citizens' credited Class I grams: the sum by crediting day, capped and partially
capped trips, a reversal, the remainder carried, the breakdown and the ledger reconciliation.

Trips are credited through the real ingest use case with a controlled `now`, so their crediting
lies in past Shanghai months (the API would credit them today)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.crypto import DataProtector
from domain.identity.principal import Role
from domain.ledger.postings import chained_row, locked_citizen_account, take_from_lots
from domain.network.service import NetworkCache
from domain.trips.ingest import Intake, ingest_pushed
from integrations.readers import default_readers
from tests.helpers import bearer, citizen_login, consent, link_account, staff_login

OCT15 = datetime(2026, 10, 15, 4, 0, tzinfo=UTC)  # 12:00 Shanghai
OCT1_EARLY = datetime(2026, 9, 30, 16, 30, tzinfo=UTC)  # 00:30 Shanghai, 1 October
OCT20 = datetime(2026, 10, 20, 4, 0, tzinfo=UTC)
NOV3 = datetime(2026, 11, 3, 4, 0, tzinfo=UTC)
NOV5 = datetime(2026, 11, 5, 4, 0, tzinfo=UTC)


def ride(trip_id: str, account: str, end: datetime, metres: int, minutes: int) -> dict:
    """An MDS 2.0 bike-share trip (93.3 g per km)."""
    ms = int(end.timestamp() * 1000)
    return {
        "trip_id": trip_id,
        "device_id": "d-" + trip_id,
        "external_account": account,
        "start_time": ms - minutes * 60_000,
        "end_time": ms,
        "duration": minutes * 60,
        "distance": metres,
    }


def journey(ext: str, account: str, end: datetime) -> dict:
    return {
        "external_trip_id": ext,
        "external_account": account,
        "entry_station": "NJM101",
        "exit_station": "NJM110",
        "entry_time": (end - timedelta(minutes=20)).isoformat(),
        "exit_time": end.isoformat(),
    }


async def rider(client, db, operators, kind: str, account: str) -> dict:
    citizen = await citizen_login(client)
    await consent(client, citizen, db, days_ago=400)
    await link_account(client, citizen, operators[kind], account)
    return citizen


async def credit(db, settings, operator, kind: str, records: list[dict], now: datetime) -> dict:
    """The feed's ingest use case, as if the batch arrived at `now`: {external id: result}."""
    intake = Intake(DataProtector(settings.data_key), NetworkCache(), default_readers())
    async with db.unit_of_work() as uow:
        out = await ingest_pushed(uow, intake, operator[0], kind, {"trips": records}, now)
    return {r.external_trip_id: r for r in out.results}


async def reverse(db, trip_id: str, citizen_id: str, points: int, now: datetime) -> None:
    """A trip reversal as the ledger records one (no reversal use case exists yet): the trip
    becomes `reversed` and a chained `reverse` posting naming it takes its points back."""
    async with db.unit_of_work() as uow:
        account = await locked_citizen_account(uow, citizen_id, now)
        row = chained_row(
            account,
            kind="reverse",
            delta=-points,
            counter_account="sys:issuance",
            key=f"reverse:{trip_id}",
            ref=trip_id,
            now=now,
            trip_id=trip_id,
        )
        await take_from_lots(uow, account.id, points)
        await uow.ledger.add_postings([row])
        await uow.ledger.save_accounts([account])
        await uow.trips.update_outcomes([{"id": trip_id, "status": "reversed"}])


async def aggregate(client, headers, start: str, end: str, code: str = "NJ-GT"):
    body = {"methodology_code": code, "period_start": start, "period_end": end}
    return await client.post("/v1/admin/aggregations", headers=headers, json=body)


async def test_a_month_sums_credited_class_i_grams_as_far_as_points_were_earned(
    client, db, settings, operators
) -> None:
    await rider(client, db, operators, "bikeshare", "rider-a")
    b = await rider(client, db, operators, "bikeshare", "rider-b")
    await link_account(client, b, operators["metro"], "card-b")
    bike, metro = operators["bikeshare"], operators["metro"]

    # credited at 00:30 Shanghai on 1 October, though it ended on 30 September: October's
    early = await credit(
        db,
        settings,
        bike,
        "bikeshare",
        [ride("a0", "rider-a", OCT1_EARLY - timedelta(hours=1), 4000, 20)],
        OCT1_EARLY,
    )
    assert (early["a0"].status, early["a0"].points) == ("credited", 373)
    day = await credit(
        db,
        settings,
        bike,
        "bikeshare",
        [
            ride("a1", "rider-a", OCT15 - timedelta(hours=5), 20_000, 60),  # 1,866 g
            ride("a2", "rider-a", OCT15 - timedelta(hours=3), 20_000, 60),  # crosses 3,000
            ride("a3", "rider-a", OCT15 - timedelta(hours=1), 3_000, 15),  # capped
        ],
        OCT15,
    )
    assert [(day[k].status, day[k].points) for k in ("a1", "a2", "a3")] == [
        ("credited", 1866),
        ("credited", 1134),
        ("capped", 0),
    ]
    m = await credit(
        db, settings, metro, "metro", [journey("m1", "card-b", OCT15 - timedelta(hours=2))], OCT15
    )
    metro_g = m["m1"].points
    assert m["m1"].status == "credited" and metro_g > 0
    b2 = await credit(
        db,
        settings,
        bike,
        "bikeshare",
        [ride("b2", "rider-b", OCT20 - timedelta(hours=1), 10_000, 40)],
        OCT20,
    )
    assert b2["b2"].points == 933
    # November: a new trip, and b2 (October's) reversed
    await credit(
        db,
        settings,
        bike,
        "bikeshare",
        [ride("a4", "rider-a", NOV3 - timedelta(hours=1), 20_000, 60)],
        NOV3,
    )
    await reverse(db, b2["b2"].trip_id, b["citizen_id"], 933, NOV5)

    ops = await staff_login(client, db, Role.OPERATIONS)
    h = bearer(ops["access_token"])
    r = await aggregate(client, h, "2026-10-01", "2026-10-31")
    assert r.status_code == 201, r.text
    october = r.json()
    grams = 373 + 1866 + 1134 + metro_g + 933
    assert october["period_kind"] == "month" and october["vintage"] == 2026
    assert (october["trips"], october["grams"]) == (5, grams)
    assert (october["carried_in_g"], october["tonnes"], october["carried_out_g"]) == (0, 0, grams)
    by_mode = {x["mode"]: (x["trips"], x["grams"]) for x in october["by_mode"]}
    assert by_mode == {"bikeshare": (4, 373 + 1866 + 1134 + 933), "metro": (1, metro_g)}
    by_day = {x["day"]: (x["trips"], x["grams"]) for x in october["by_day"]}
    assert by_day == {
        "2026-10-01": (1, 373),
        "2026-10-15": (3, 1866 + 1134 + metro_g),
        "2026-10-20": (1, 933),
    }
    assert october["reconciliation"] == {"ledger_trips": 5, "ledger_g": grams, "reconciles": True}

    r = await aggregate(client, h, "2026-11-01", "2026-11-30")
    assert r.status_code == 201, r.text
    november = r.json()  # a4's 1,866 g less the reversed b2's 933 g, October's remainder in
    assert (november["trips"], november["grams"]) == (0, 1866 - 933)
    assert (november["carried_in_g"], november["carried_out_g"]) == (grams, grams + 933)
    assert november["tonnes"] == 0
    nov_days = {x["day"]: x for x in november["by_day"]}
    assert (nov_days["2026-11-03"]["trips"], nov_days["2026-11-03"]["grams"]) == (1, 1866)
    reversal = nov_days["2026-11-05"]
    assert (reversal["reversed_trips"], reversal["reversed_g"]) == (1, 933)
    assert november["reconciliation"]["reconciles"] is True

    # staff read it (auditors too), reconciled against the ledger each time
    auditor = await staff_login(client, db, Role.AUDITOR)
    ha = bearer(auditor["access_token"])
    r = await client.get(f"/v1/admin/aggregations/{october['aggregation_id']}", headers=ha)
    assert r.status_code == 200 and r.json()["by_day"] == october["by_day"]
    assert r.json()["reconciliation"]["reconciles"] is True
    page = (await client.get("/v1/admin/aggregations?limit=1", headers=ha)).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = await client.get(f"/v1/admin/aggregations?cursor={page['next_cursor']}", headers=ha)
    seen = {x["aggregation_id"] for x in page["items"] + rest.json()["items"]}
    assert seen == {october["aggregation_id"], november["aggregation_id"]}

    # a trip whose grams no longer back its posting's points: the ledger no longer agrees
    async with db.unit_of_work() as uow:
        await uow.trips.update_outcomes([{"id": day["a1"].trip_id, "reduction_g": 1000}])
    r = await client.get(f"/v1/admin/aggregations/{october['aggregation_id']}", headers=ha)
    check = r.json()["reconciliation"]
    assert check["reconciles"] is False and check["ledger_g"] == grams - 866
