"""The public side of events: anyone reads an event's footprint, factor set version and
retirements; the factor sets are public and staff publish new versions (audited) that new events
use while old events keep theirs; an event's certificates name the event and verify."""

from __future__ import annotations

import io

import pypdf
from sqlalchemy import select

from api.cli import main
from domain.certificates.verify import read_keys, verify_certificate
from domain.identity.principal import Role
from domain.persistence.tables import AuditEntry
from tests.api.test_events import enter
from tests.api.test_events_neutralise import neutralise
from tests.helpers import assert_problem, bearer, staff_login
from tests.registry_units import issued_units
from tests.registry_world import make_org, org_login

SETS = "/v1/admin/event-factor-sets"
# METHODOLOGY.md, factor set EVT v1: (unit, kg CO2e per unit) -> integer mg per unit
EVT_V1 = {
    "electricity": ("kWh", 561_700),  # 0.5617 kg
    "travel_car": ("person-km", 120_000),  # 0.120
    "travel_bus": ("person-km", 93_100),  # 0.0931
    "travel_metro": ("person-km", 73_200),  # 0.0732
    "travel_rail": ("person-km", 40_000),  # 0.04
    "travel_air": ("person-km", 150_000),  # 0.15
    "hotel": ("room-night", 15_000_000),  # 15
    "meal": ("meal", 2_500_000),  # 2.5
    "printed_material": ("kg", 1_500_000),  # 1.5
}


def factors_body(**mg: int) -> dict:
    return {
        "title": "EVT 2027",
        "factors": {
            a: {"unit": unit, "mg_co2e_per_unit": mg.get(a, v), "source": "survey 2027"}
            for a, (unit, v) in EVT_V1.items()
        },
    }


async def test_evt_v1_is_published_with_the_methodology_values(client) -> None:
    r = await client.get("/v1/public/event-factor-sets")
    assert r.status_code == 200, r.text
    [v1] = r.json()
    assert (v1["code"], v1["version"], v1["in_force"]) == ("EVT", 1, True)
    assert {a: (f["unit"], f["mg_co2e_per_unit"]) for a, f in v1["factors"].items()} == EVT_V1
    assert "East China grid" in v1["factors"]["electricity"]["source"]
    assert all(f["source"] for f in v1["factors"].values())
    r = await client.get("/v1/public/event-factor-sets/EVT/1")
    assert r.status_code == 200 and r.json() == v1
    for missing in ("EVT/2", "EVT/0", "XYZ/1", f"EVT/{2**40}"):
        assert_problem(await client.get(f"/v1/public/event-factor-sets/{missing}"), 404)


async def test_staff_publish_a_new_version_and_old_events_keep_theirs(client, db) -> None:
    member = await org_login(client, db, (await make_org(db)).id)
    before = await enter(client, member, activity={"meals": 400})
    admin = bearer((await staff_login(client, db, Role.ADMIN))["access_token"])
    r = await client.post(SETS, json=factors_body(meal=3_000_000), headers=admin)
    assert r.status_code == 201, r.text
    v2 = r.json()
    assert (v2["code"], v2["version"], v2["in_force"], v2["title"]) == ("EVT", 2, True, "EVT 2027")
    listed = (await client.get("/v1/public/event-factor-sets")).json()
    assert [(s["version"], s["in_force"]) for s in listed] == [(2, True), (1, False)]
    assert (await client.get("/v1/public/event-factor-sets/EVT/1")).json()["in_force"] is False

    after = await enter(client, member, activity={"meals": 400})
    assert after["factor_set"] == {"code": "EVT", "version": 2}
    assert (after["footprint_kg"], after["tonnes_required"]) == (1200, 2)
    kept = (await client.get(f"/v1/public/events/{before['event_id']}")).json()
    assert kept["factor_set"] == {"code": "EVT", "version": 1} and kept["footprint_kg"] == 1000
    async with db.unit_of_work() as uow:
        audited = (
            await uow.session.execute(
                select(AuditEntry).where(AuditEntry.action == "event_factor_set.publish")
            )
        ).scalar_one()
    assert audited.before["version"] == 1 and audited.after["version"] == 2


async def test_only_admins_publish_and_bad_factor_sets_are_422(client, db) -> None:
    for role in (Role.OPERATIONS, Role.AUDITOR):
        other = bearer((await staff_login(client, db, role))["access_token"])
        assert_problem(await client.post(SETS, json=factors_body(), headers=other), 403)
    member = await org_login(client, db, (await make_org(db)).id)
    assert_problem(await client.post(SETS, json=factors_body(), headers=member["headers"]), 403)
    assert_problem(await client.post(SETS, json=factors_body()), 401)

    admin = bearer((await staff_login(client, db, Role.ADMIN))["access_token"])
    good = factors_body()
    cases = [
        (
            {**good, "factors": {**good["factors"], "ferry": good["factors"]["meal"]}},
            "factors.ferry",
        ),
        (
            {**good, "factors": {k: v for k, v in good["factors"].items() if k != "hotel"}},
            "factors.hotel",
        ),
        (factors_body(meal=-1), "factors.meal.mg_co2e_per_unit"),
        (factors_body(meal=10**9 + 1), "factors.meal.mg_co2e_per_unit"),
        (
            {
                **good,
                "factors": {
                    **good["factors"],
                    "electricity": {**good["factors"]["electricity"], "unit": "MWh"},
                },
            },
            "factors.electricity.unit",
        ),
        (
            {
                **good,
                "factors": {**good["factors"], "meal": {**good["factors"]["meal"], "source": " "}},
            },
            "factors.meal.source",
        ),
        ({**good, "title": "   "}, "title"),
    ]
    for body, field in cases:
        r = await client.post(SETS, json=body, headers=admin)
        assert assert_problem(r, 422)["field"] == field, (field, r.text)
    bad_type = factors_body()
    bad_type["factors"]["meal"]["mg_co2e_per_unit"] = 2.5
    assert_problem(await client.post(SETS, json=bad_type, headers=admin), 400, "validation_failed")
    listed = (await client.get("/v1/public/event-factor-sets")).json()
    assert [s["version"] for s in listed] == [1]


async def test_the_public_event_page_shows_footprint_factors_and_retirements(client, db) -> None:
    org = await make_org(db, name="南京市马拉松组委会")
    member = await org_login(client, db, org.id)
    units = await issued_units(db, org, 100, vintage=2025)
    event = await enter(client, member)
    eid = event["event_id"]
    r = await client.get(f"/v1/public/events/{eid}")  # no sign-in
    assert r.status_code == 200, r.text
    page = r.json()
    assert (page["name"], page["venue"], page["attendees"]) == (
        event["name"],
        event["venue"],
        30_000,
    )
    assert (page["starts_at"], page["ends_at"]) == (event["starts_at"], event["ends_at"])
    assert (page["footprint_kg"], page["tonnes_required"], page["tonnes_retired"]) == (
        31_330,
        32,
        0,
    )
    assert page["factor_set"] == {"code": "EVT", "version": 1}
    assert (page["neutralised"], page["retirements"]) == (False, [])
    assert page["organiser"] == "南京市马拉松组委会"
    assert page["breakdown"] == event["breakdown"]

    first = await neutralise(client, member, eid, {"account": org.account_id, "quantity": 30})
    second = await neutralise(client, member, eid, {"account": org.account_id})
    page = (await client.get(f"/v1/public/events/{eid}")).json()
    assert (page["tonnes_retired"], page["tonnes_still_required"], page["neutralised"]) == (
        32,
        0,
        True,
    )
    assert [x["retirement_id"] for x in page["retirements"]] == [
        first.json()["retirement_id"],
        second.json()["retirement_id"],
    ]
    assert [x["serial_ranges"] for x in page["retirements"]] == [
        [f"{units.prefix}-71-100"],
        [f"{units.prefix}-69-70"],
    ]
    shown = page["retirements"][0]
    rid = shown["retirement_id"]
    assert shown["certificate_url"] == f"/v1/public/retirements/{rid}/certificate.pdf"
    assert shown["certificate_json_url"] == f"/v1/public/retirements/{rid}/certificate.json"
    assert shown["page_url"] == f"/registry/retirements/{rid}"
    for missing in ("01JNOSUCHEVENT000000000000", "nope", "é" * 26):
        assert_problem(await client.get(f"/v1/public/events/{missing}"), 404, "event_not_found")


async def test_the_certificates_of_an_event_name_it_and_verify(client, db, settings) -> None:
    org = await make_org(db, name="南京市马拉松组委会")
    member = await org_login(client, db, org.id)
    units = await issued_units(db, org, 100, vintage=2025)
    event = await enter(client, member)
    done = (await neutralise(client, member, event["event_id"], {"account": org.account_id})).json()
    rid = done["retirement_id"]
    keys = read_keys((await client.get("/v1/public/certificate-keys")).content)
    r = await client.get(f"/v1/public/retirements/{rid}/certificate.json")
    assert r.status_code == 200, r.text
    document = verify_certificate(r.content, keys)
    assert document.purpose == "event" and document.quantity == 32
    assert document.serial_ranges == [f"{units.prefix}-69-100"]
    assert document.event is not None
    assert (document.event.event_id, document.event.name) == (event["event_id"], event["name"])
    assert (document.event.footprint_kg, document.event.tonnes_required) == (31_330, 32)
    assert (document.event.factor_set, document.event.factor_set_version) == ("EVT", 1)
    assert document.event.organiser == "南京市马拉松组委会"
    assert document.event.page_url == (
        f"{settings.public_base_url}/v1/public/events/{event['event_id']}"
    )
    pdf = await client.get(done["certificate_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    text = text.replace("\n", "")
    for expected in (event["name"], "31330 千克", "EVT v1", "32 吨", f"{units.prefix}-69-100"):
        assert expected in text, expected


async def test_verify_certificate_prints_the_event(client, db, tmp_path, capsys) -> None:
    org = await make_org(db, name="南京市马拉松组委会")
    member = await org_login(client, db, org.id)
    await issued_units(db, org, 100, vintage=2025)
    event = await enter(client, member)
    done = (await neutralise(client, member, event["event_id"], {"account": org.account_id})).json()
    cert, keys = tmp_path / "certificate.json", tmp_path / "keys.json"
    cert.write_bytes(
        (
            await client.get(f"/v1/public/retirements/{done['retirement_id']}/certificate.json")
        ).content
    )
    keys.write_bytes((await client.get("/v1/public/certificate-keys")).content)
    shown = (await client.get(f"/v1/public/retirements/{done['retirement_id']}")).json()
    assert shown["event"] == {
        "event_id": event["event_id"],
        "name": event["name"],
        "footprint_kg": 31_330,
        "factor_set": "EVT v1",
        "tonnes_required": 32,
        "url": f"/v1/public/events/{event['event_id']}",
    }
    assert main(["verify-certificate", str(cert), "--keys", str(keys)]) == 0
    out = capsys.readouterr().out
    assert f"event: {event['name']} (南京市马拉松组委会)" in out
    assert "event_footprint: 31330 kg CO2e, 32 t to retire" in out
    assert "event_factors: EVT v1" in out
    assert out.rstrip().endswith("OK")
