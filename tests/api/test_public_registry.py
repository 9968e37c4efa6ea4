"""The public registry, without sign-in: issued issuances (never proposals) and a serial's blocks
and history; malformed serials are 422 naming the field, unknown ones 404."""

from __future__ import annotations

import pytest

from domain.clock import utcnow
from domain.registry import issuance
from tests.helpers import assert_problem
from tests.registry_units import PROPOSER, issued_aggregation, issued_units, verified_report
from tests.registry_world import make_org


async def test_issued_issuances_are_public_and_proposals_are_not(client, db) -> None:
    org = await make_org(db)
    first = await issued_units(db, org, 120, vintage=2024)
    second = await issued_aggregation(db, 7)
    _, report_id, _ = await verified_report(db, org, 30)
    async with db.unit_of_work() as uow:
        await issuance.propose(uow, PROPOSER, now=utcnow(), report_id=report_id)

    r = await client.get("/v1/public/issuances")
    assert r.status_code == 200, r.text
    items = {i["issuance_id"]: i for i in r.json()["items"]}
    assert set(items) == {first.issuance_id, second.issuance_id}
    one = items[first.issuance_id]
    assert one["serial_range"] == first.label
    assert (one["project_code"], one["vintage"], one["unit_class"]) == (
        first.project_code,
        2024,
        "I",
    )
    assert (one["quantity"], one["source"]) == (120, "project")
    assert items[second.issuance_id]["source"] == "aggregation"
    assert one["issued_at"]


async def test_issuances_page_with_a_cursor(client, db) -> None:
    org = await make_org(db)
    made = [await issued_units(db, org, 5 + i) for i in range(3)]
    first = (await client.get("/v1/public/issuances", params={"limit": 2})).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = await client.get("/v1/public/issuances", params={"cursor": first["next_cursor"]})
    seen = [i["issuance_id"] for i in first["items"] + rest.json()["items"]]
    assert seen == [m.issuance_id for m in reversed(made)]  # newest first, each once
    assert rest.json()["next_cursor"] is None
    bad = await client.get("/v1/public/issuances", params={"cursor": "garbage!"})
    assert_problem(bad, 422, "invalid_cursor")


async def test_a_fresh_issuance_is_one_block_with_one_event(client, db) -> None:
    org = await make_org(db, name="Zijin Forest Co")
    issued = await issued_units(db, org, 250)
    r = await client.get(f"/v1/public/units/{issued.label}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["serials"] == issued.label
    assert body["issuance"]["issuance_id"] == issued.issuance_id
    [holding] = body["holdings"]
    assert holding == {
        "block_id": holding["block_id"],
        "serial_range": issued.label,
        "quantity": 250,
        "account_id": org.account_id,
        "holder": "Zijin Forest Co",
        "status": "active",
    }
    [event] = body["history"]
    assert event["kind"] == "issue"
    assert (event["from_account"], event["from_name"]) == ("sys:registry-issuance", "issuance")
    assert (event["to_account"], event["to_name"]) == (org.account_id, "Zijin Forest Co")
    assert event["serial_ranges"] == [issued.label] and event["quantity"] == 250
    assert body["history_complete"] is True


async def test_one_unit_is_shown_within_its_block(client, db) -> None:
    org = await make_org(db)
    issued = await issued_units(db, org, 100)
    r = await client.get(f"/v1/public/units/{issued.prefix}-42")
    assert r.status_code == 200, r.text
    [holding] = r.json()["holdings"]
    assert holding["serial_range"] == f"{issued.prefix}-42-42" and holding["quantity"] == 1
    [event] = r.json()["history"]
    assert event["serial_ranges"] == [f"{issued.prefix}-42-42"] and event["quantity"] == 1


MALFORMED = ["garbage", "NJ-III-2025-ABC-1-1", "NJ-I-2025-ABC-1-9-3", "NJ-I-25-ABC-1-1", "x" * 500]


@pytest.mark.parametrize("serial", MALFORMED)
async def test_a_malformed_serial_is_422_naming_the_field(client, serial) -> None:
    body = assert_problem(await client.get(f"/v1/public/units/{serial}"), 422, "invalid_serial")
    assert body["field"] == "serial"


async def test_unknown_serials_are_404(client, db) -> None:
    org = await make_org(db)
    issued = await issued_units(db, org, 10, vintage=2025)
    _, report_id, code = await verified_report(db, org, 30)
    async with db.unit_of_work() as uow:  # proposed, not issued: no serials exist yet
        await issuance.propose(uow, PROPOSER, now=utcnow(), report_id=report_id)
    for serial in (
        f"NJ-I-2025-{issued.project_code}-2-1",  # no second issuance
        f"NJ-I-2024-{issued.project_code}-1-1",  # another vintage
        f"NJ-II-2025-{issued.project_code}-1-1",  # another class
        f"{issued.prefix}-11",  # beyond its 10 units
        f"{issued.prefix}-5-11",
        f"NJ-I-2025-{code}-1-1",
    ):
        assert_problem(await client.get(f"/v1/public/units/{serial}"), 404, "serial_not_found")


async def test_unknown_retirement_is_404(client) -> None:
    r = await client.get("/v1/public/retirements/01HZZZZZZZZZZZZZZZZZZZZZZZ")
    assert_problem(r, 404, "retirement_not_found")
    assert (await client.get("/v1/public/retirements")).json() == {
        "items": [],
        "next_cursor": None,
    }
