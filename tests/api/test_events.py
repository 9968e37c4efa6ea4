"""Carbon-neutral events over HTTP: an organisation enters an event, its footprint is computed
with the factor set in force (EVT v1, installed by the migrations) and recorded with its version;
every bad input is a 422 naming its field; another organisation's event is 404."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from domain.identity.principal import Role
from domain.persistence.tables import AuditEntry
from tests.helpers import assert_problem, bearer, citizen_login, staff_login
from tests.registry_world import make_org, org_login

PATH = "/v1/org/events"
ACTIVITY = {
    "electricity_kwh": 12_000,
    "travel_pkm_by_mode": {
        "car": 5000,
        "bus": 2000,
        "metro": 40_000,
        "rail": 100_000,
        "air": 30_000,
    },
    "hotel_nights": 300,
    "meals": 3000,
    "printed_kg": 250,
}


def event_body(**changed: Any) -> dict[str, Any]:
    return {
        "name": "2026 南京马拉松 Nanjing Marathon",
        "starts_at": "2026-04-12T07:30:00+08:00",
        "ends_at": "2026-04-12T14:30:00+08:00",
        "venue": "南京奥体中心 Olympic Sports Centre",
        "attendees": 30_000,
        "activity": ACTIVITY,
        **changed,
    }


async def enter(client, member, **changed: Any) -> dict[str, Any]:
    r = await client.post(PATH, json=event_body(**changed), headers=member["headers"])
    assert r.status_code == 201, r.text
    return r.json()


async def test_an_event_gets_its_footprint_with_evt_v1(client, db) -> None:
    org = await make_org(db, name="南京市马拉松组委会")
    member = await org_login(client, db, org.id)
    out = await enter(client, member)
    assert out["factor_set"] == {"code": "EVT", "version": 1}
    assert out["footprint_mg"] == 31_329_600_000
    assert (out["footprint_kg"], out["tonnes_required"]) == (31_330, 32)
    assert (out["tonnes_retired"], out["tonnes_still_required"], out["neutralised"]) == (
        0,
        32,
        False,
    )
    assert out["organiser"] == "南京市马拉松组委会"
    assert out["starts_at"] == "2026-04-11T23:30:00Z" and out["ends_at"] == "2026-04-12T06:30:00Z"
    assert out["activity"] == ACTIVITY
    assert out["retirements"] == []
    assert out["public_url"] == f"/v1/public/events/{out['event_id']}"
    lines = {line["activity"]: line for line in out["breakdown"]}
    assert lines["electricity"] == {
        "activity": "electricity",
        "quantity": 12_000,
        "unit": "kWh",
        "mg_co2e_per_unit": 561_700,
        "mg": 6_740_400_000,
    }
    assert lines["travel_metro"]["mg"] == 40_000 * 73_200
    assert sum(line["mg"] for line in out["breakdown"]) == out["footprint_mg"]
    async with db.unit_of_work() as uow:
        audited = (
            await uow.session.execute(
                select(AuditEntry).where(AuditEntry.target_id == out["event_id"])
            )
        ).scalar_one()
    assert audited.action == "event.enter" and audited.after["factor_set"] == "EVT v1"


async def test_left_out_activities_count_zero_and_one_kwh_is_one_tonne(client, db) -> None:
    member = await org_login(client, db, (await make_org(db)).id)
    out = await enter(client, member, activity={"electricity_kwh": 1})
    assert (out["footprint_mg"], out["footprint_kg"], out["tonnes_required"]) == (561_700, 1, 1)
    assert out["activity"]["travel_pkm_by_mode"] == dict.fromkeys(
        ("car", "bus", "metro", "rail", "air"), 0
    )
    # exactly one tonne: 1000 kg of printed matter at 1.5 kg/kg is 1500 kg: two tonnes
    out = await enter(client, member, activity={"meals": 400})  # 400 x 2.5 kg = 1000 kg
    assert (out["footprint_kg"], out["tonnes_required"]) == (1000, 1)
    out = await enter(client, member, activity={"meals": 400, "electricity_kwh": 1})
    assert (out["footprint_kg"], out["tonnes_required"]) == (1001, 2)


async def test_an_organisation_lists_and_reads_its_own_events_only(client, db) -> None:
    org, other = await make_org(db), await make_org(db)
    member, stranger = await org_login(client, db, org.id), await org_login(client, db, other.id)
    made = [(await enter(client, member, name=f"Event {i}"))["event_id"] for i in range(3)]
    theirs = (await enter(client, stranger))["event_id"]

    r = await client.get(PATH, params={"limit": 2}, headers=member["headers"])
    assert r.status_code == 200, r.text
    page = r.json()
    assert [e["event_id"] for e in page["items"]] == made[::-1][:2]  # newest first
    r = await client.get(PATH, params={"cursor": page["next_cursor"]}, headers=member["headers"])
    assert [e["event_id"] for e in r.json()["items"]] == made[:1]
    assert r.json()["next_cursor"] is None

    r = await client.get(f"{PATH}/{made[0]}", headers=member["headers"])
    assert r.status_code == 200 and r.json()["name"] == "Event 0"
    for event_id in (theirs, "01JNOSUCHEVENT000000000000", "x" * 300):
        r = await client.get(f"{PATH}/{event_id}", headers=member["headers"])
        assert_problem(r, 404, "event_not_found")


async def test_only_members_of_an_organisation_enter_events(client, db) -> None:
    verifier = await org_login(client, db, (await make_org(db, kind="verifier")).id, Role.VERIFIER)
    r = await client.post(PATH, json=event_body(), headers=verifier["headers"])
    assert_problem(r, 403, "role_required")
    admin = await staff_login(client, db, Role.ADMIN)
    r = await client.post(PATH, json=event_body(), headers=bearer(admin["access_token"]))
    assert_problem(r, 403, "role_required")
    citizen = await citizen_login(client)
    r = await client.get(PATH, headers=bearer(citizen["access_token"]))
    assert r.status_code in (401, 403)
    assert_problem(await client.post(PATH, json=event_body()), 401)


BAD = [
    ({"name": "  "}, "name_required", "name"),
    ({"name": "n" * 201}, "name_required", "name"),
    ({"venue": ""}, "venue_required", "venue"),
    ({"venue": "v" * 301}, "venue_required", "venue"),
    ({"starts_at": "2026-04-12T07:30:00"}, "invalid_time", "starts_at"),
    ({"ends_at": "2026-04-12T07:29:59+08:00"}, "ends_before_start", "ends_at"),
    ({"ends_at": "2027-04-13T07:30:01+08:00"}, "event_too_long", "ends_at"),
    ({"starts_at": "1900-01-01T00:00:00Z"}, "invalid_time", "starts_at"),
    ({"attendees": -1}, "invalid_attendees", "attendees"),
    ({"attendees": 10_000_001}, "invalid_attendees", "attendees"),
    ({"attendees": 10**30}, "invalid_attendees", "attendees"),
    ({"activity": {}}, "no_activity", "activity"),
    ({"activity": {"meals": 0}}, "no_activity", "activity"),
    ({"activity": {"ferry_km": 10}}, "unknown_activity", "activity.ferry_km"),
    (
        {"activity": {"travel_pkm_by_mode": {"ferry": 10}}},
        "unknown_mode",
        "activity.travel_pkm_by_mode.ferry",
    ),
    ({"activity": {"travel_pkm_by_mode": 10}}, "invalid_travel", "activity.travel_pkm_by_mode"),
    ({"activity": {"meals": -1}}, "invalid_quantity", "activity.meals"),
    ({"activity": {"meals": 1.5}}, "invalid_quantity", "activity.meals"),
    ({"activity": {"meals": "3"}}, "invalid_quantity", "activity.meals"),
    ({"activity": {"meals": None}}, "invalid_quantity", "activity.meals"),
    ({"activity": {"meals": True}}, "invalid_quantity", "activity.meals"),
    ({"activity": {"meals": 10**9 + 1}}, "invalid_quantity", "activity.meals"),
    ({"activity": {"meals": 10**40}}, "invalid_quantity", "activity.meals"),
    (
        {"activity": {"travel_pkm_by_mode": {"air": -3}}},
        "invalid_quantity",
        "activity.travel_pkm_by_mode.air",
    ),
]


async def test_every_bad_input_is_a_422_naming_its_field(client, db) -> None:
    member = await org_login(client, db, (await make_org(db)).id)
    for changed, code, field in BAD:
        r = await client.post(PATH, json=event_body(**changed), headers=member["headers"])
        body = assert_problem(r, 422, code)
        assert body["field"] == field, (changed, body)
    r = await client.get(PATH, headers=member["headers"])
    assert r.json()["items"] == []  # nothing was entered


async def test_malformed_bodies_are_problems_too(client, db) -> None:
    member = await org_login(client, db, (await make_org(db)).id)
    h = member["headers"]
    for body in (
        {k: v for k, v in event_body().items() if k != "activity"},
        {**event_body(), "colour": "green"},
        {**event_body(), "attendees": "many"},
        {**event_body(), "starts_at": "tomorrow"},
        {**event_body(), "activity": [1, 2]},
    ):
        assert_problem(await client.post(PATH, json=body, headers=h), 400, "validation_failed")
    r = await client.post(PATH, content=b"{", headers={**h, "Content-Type": "application/json"})
    assert_problem(r, 400)
    r = await client.post(PATH, json=event_body(name="a\u0000b"), headers=h)
    assert_problem(r, 422, "invalid_character")
