"""The rules around an aggregation: a whole month or quarter, over, aggregated once (by the
use case and by the database), never backwards, never Class II, staff only, audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from domain.clock import shanghai_date, utcnow
from domain.identity.principal import Role
from domain.ids import new_id
from domain.methodology.params import NJ_GT_V1, to_json
from domain.persistence.tables import Aggregation, MethodologyVersion
from tests.api.test_aggregations import aggregate, credit, ride, rider
from tests.helpers import assert_problem, bearer, staff_login


async def _ops(client, db) -> dict[str, str]:
    return bearer((await staff_login(client, db, Role.OPERATIONS))["access_token"])


async def test_the_period_is_one_whole_month_or_quarter(client, db) -> None:
    h = await _ops(client, db)
    for start, end, field in [
        ("2026-03-02", "2026-03-31", "period_start"),
        ("2026-03-01", "2026-03-30", "period_end"),
        ("2026-03-01", "2026-04-30", "period_end"),  # two months
        ("2026-02-01", "2026-04-30", "period_end"),  # three months, not a quarter
        ("2026-01-01", "2026-12-31", "period_end"),  # a year
        ("2026-03-01", "2026-02-28", "period_end"),
    ]:
        body = assert_problem(await aggregate(client, h, start, end), 422, "invalid_period")
        assert body["field"] == field, (start, end)
    r = await aggregate(client, h, "2026-02-30", "2026-03-31")  # not a date
    assert_problem(r, 400)
    r = await aggregate(client, h, "2026-02-01", "2026-02-28")
    assert r.status_code == 201 and r.json()["period_kind"] == "month"
    r = await aggregate(client, h, "2026-04-01", "2026-06-30")
    assert r.status_code == 201, r.text
    assert (r.json()["period_kind"], r.json()["trips"], r.json()["grams"]) == ("quarter", 0, 0)


async def test_only_a_period_that_is_over(client, db) -> None:
    h = await _ops(client, db)
    today = shanghai_date(utcnow())
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    r = await aggregate(client, h, first.isoformat(), last.isoformat())
    assert assert_problem(r, 409, "period_not_over")["field"] == "period_end"


async def test_each_period_once_no_overlap_never_backwards(client, db) -> None:
    h = await _ops(client, db)
    first = await aggregate(client, h, "2026-02-01", "2026-02-28")
    assert first.status_code == 201
    body = assert_problem(
        await aggregate(client, h, "2026-02-01", "2026-02-28"), 409, "already_aggregated"
    )
    assert body["aggregation_id"] == first.json()["aggregation_id"]
    assert_problem(await aggregate(client, h, "2026-01-01", "2026-03-31"), 409, "period_overlaps")
    assert_problem(
        await aggregate(client, h, "2026-01-01", "2026-01-31"), 409, "later_period_aggregated"
    )
    assert (await aggregate(client, h, "2026-03-01", "2026-03-31")).status_code == 201


async def test_the_database_refuses_a_second_row_for_a_period(db) -> None:
    def row() -> Aggregation:
        return Aggregation(
            id=new_id(),
            methodology_code="NJ-GT",
            period_kind="month",
            period_start=date(2026, 5, 1),
            period_end=date(2026, 5, 31),
            vintage=2026,
            trips=0,
            grams=0,
            carried_in_g=0,
            tonnes=0,
            carried_out_g=0,
            breakdown={"by_mode": {}, "by_day": {}},
            created_by=None,
            created_at=utcnow(),
        )

    async with db.unit_of_work() as uow:
        uow.aggregations.add(row())
    with pytest.raises(IntegrityError):
        async with db.unit_of_work() as uow:
            uow.aggregations.add(row())
            await uow.flush()


async def test_class_ii_is_never_aggregated(client, db, settings, operators) -> None:
    h = await _ops(client, db)
    draft = {
        "code": "NJ-GC",
        "title": "green consumption",
        "methodology_class": "II",
        "params": to_json(NJ_GT_V1),
    }
    assert (await client.post("/v1/admin/methodologies", headers=h, json=draft)).status_code == 201
    r = await aggregate(client, h, "2026-01-01", "2026-01-31", code="NJ-GC")
    assert assert_problem(r, 409, "class_ii_not_issuable_for_trading")["field"] == (
        "methodology_code"
    )
    r = await aggregate(client, h, "2026-01-01", "2026-01-31", code="NJ-NONE")
    assert_problem(r, 404, "methodology_not_found")

    # NJ-GT hands over to a Class II version for August, then back to Class I in September
    aug, sep = datetime(2026, 7, 31, 16, tzinfo=UTC), datetime(2026, 8, 31, 16, tzinfo=UTC)
    async with db.unit_of_work() as uow:
        (v1,) = await uow.methodologies.versions("NJ-GT")
        v1.effective_until = aug
        for version, klass, start, until in [(2, "II", aug, sep), (3, "I", sep, None)]:
            uow.methodologies.add(
                MethodologyVersion(
                    id=new_id(),
                    code="NJ-GT",
                    version=version,
                    methodology_class=klass,
                    title=f"v{version}",
                    params=to_json(NJ_GT_V1),
                    status="published",
                    effective_from=start,
                    effective_until=until,
                    created_at=start,
                    published_at=start,
                )
            )
    await rider(client, db, operators, "bikeshare", "rider-c")
    bike = operators["bikeshare"]
    in_aug, in_sep = datetime(2026, 8, 10, 4, tzinfo=UTC), datetime(2026, 9, 10, 4, tzinfo=UTC)
    got = await credit(
        db, settings, bike, "bikeshare", [ride("c1", "rider-c", in_aug, 10_000, 40)], in_aug
    )
    assert (got["c1"].status, got["c1"].points) == ("credited", 933)  # points, under Class II
    got = await credit(
        db, settings, bike, "bikeshare", [ride("c2", "rider-c", in_sep, 4_000, 20)], in_sep
    )
    assert got["c2"].points == 373
    r = await aggregate(client, h, "2026-07-01", "2026-09-30")
    assert r.status_code == 201, r.text
    assert (r.json()["trips"], r.json()["grams"]) == (1, 373)
    assert [d["day"] for d in r.json()["by_day"]] == ["2026-09-10"]
    assert r.json()["reconciliation"]["reconciles"] is True


async def test_staff_only_and_audited(client, db) -> None:
    auditor = bearer((await staff_login(client, db, Role.AUDITOR))["access_token"])
    assert_problem(await aggregate(client, auditor, "2026-02-01", "2026-02-28"), 403)
    assert (await client.get("/v1/admin/aggregations")).status_code == 401
    assert_problem(await client.get("/v1/admin/aggregations/nope", headers=auditor), 404)
    r = await aggregate(client, await _ops(client, db), "2026-02-01", "2026-02-28")
    admin = bearer((await staff_login(client, db, Role.ADMIN))["access_token"])
    trail = await client.get(
        f"/v1/admin/audit?target_id={r.json()['aggregation_id']}", headers=admin
    )
    assert [e["action"] for e in trail.json()["items"]] == ["aggregation.create"]
