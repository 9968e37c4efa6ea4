"""Neutralising an event: held units of the organisation are retired for it (purpose `event`,
beneficiary "organiser / event") through the registry's retire use case, linked to the event,
in one or several retirements until its tonnes are reached; replays answer the first retirement;
every refusal is problem+json."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from domain.persistence.tables import AuditEntry, EventRetirement, Posting, Retirement
from tests.api.test_events import enter
from tests.api.test_transfers import balances
from tests.helpers import assert_problem
from tests.registry_units import issued_units
from tests.registry_world import make_org, org_login


def path(event_id: str) -> str:
    return f"/v1/org/events/{event_id}/neutralise"


async def neutralise(client, member, event_id, body, key=None):
    headers = {**member["headers"], "Idempotency-Key": key or uuid.uuid4().hex}
    return await client.post(path(event_id), json=body, headers=headers)


async def _world(client, db, held=100, **activity):
    """An organisation holding `held` units and an event of 32 t (EVT v1) unless told."""
    org = await make_org(db, name="南京市马拉松组委会")
    member = await org_login(client, db, org.id)
    units = await issued_units(db, org, held, vintage=2025)
    changed = {"activity": activity} if activity else {}
    event = await enter(client, member, **changed)
    return org, member, units, event


async def test_by_default_the_tonnes_required_are_retired_for_the_event(client, db) -> None:
    org, member, units, event = await _world(client, db)
    r = await neutralise(client, member, event["event_id"], {"account": org.account_id})
    assert r.status_code == 201, r.text
    out = r.json()
    rid = out["retirement_id"]
    assert out["event_id"] == event["event_id"]
    assert out["quantity"] == 32 and out["serial_ranges"] == [f"{units.prefix}-69-100"]
    assert out["certificate_url"] == f"/v1/public/retirements/{rid}/certificate.pdf"
    assert (out["tonnes_required"], out["tonnes_retired"], out["tonnes_still_required"]) == (
        32,
        32,
        0,
    )
    assert out["neutralised"] is True
    assert await balances(db, org.account_id) == {org.account_id: 68}
    async with db.unit_of_work() as uow:
        retirement = await uow.session.get(Retirement, rid)
        link = await uow.session.get(EventRetirement, rid)
        actions = {
            a.action
            for a in (
                await uow.session.execute(
                    select(AuditEntry).where(AuditEntry.target_id.in_([rid, event["event_id"]]))
                )
            ).scalars()
        }
    assert (retirement.purpose, retirement.status) == ("event", "retired")
    assert retirement.beneficiary == f"南京市马拉松组委会 / {event['name']}"
    assert event["event_id"] in retirement.details and "EVT v1" in retirement.details
    assert "31330 kg CO2e" in retirement.details
    assert (link.event_id, link.quantity) == (event["event_id"], 32)
    assert actions == {"event.enter", "event.neutralise", "registry.retire"}

    shown = await client.get(f"/v1/org/events/{event['event_id']}", headers=member["headers"])
    shown = shown.json()
    assert (shown["tonnes_retired"], shown["neutralised"]) == (32, True)
    [made] = shown["retirements"]
    assert made["retirement_id"] == rid and made["serial_ranges"] == out["serial_ranges"]

    again = await neutralise(client, member, event["event_id"], {"account": org.account_id})
    assert_problem(again, 409, "event_already_neutralised")
    assert await balances(db, org.account_id) == {org.account_id: 68}


async def test_an_event_is_neutralised_in_several_retirements(client, db) -> None:
    org, member, _, event = await _world(client, db, held=20)
    eid = event["event_id"]
    # 20 held for 32 required: asking for all is refused, nothing moves
    r = await neutralise(client, member, eid, {"account": org.account_id})
    assert_problem(r, 409, "insufficient_units")
    r = await neutralise(client, member, eid, {"account": org.account_id, "quantity": 20})
    assert r.status_code == 201, r.text
    assert (r.json()["tonnes_still_required"], r.json()["neutralised"]) == (12, False)
    more = await issued_units(db, org, 50, vintage=2025)  # bought or issued since
    r = await neutralise(client, member, eid, {"account": org.account_id})
    assert r.status_code == 201, r.text
    assert r.json()["quantity"] == 12 and r.json()["serial_ranges"] == [f"{more.prefix}-39-50"]
    assert (r.json()["tonnes_retired"], r.json()["neutralised"]) == (32, True)
    shown = (await client.get(f"/v1/org/events/{eid}", headers=member["headers"])).json()
    assert [x["quantity"] for x in shown["retirements"]] == [20, 12]
    listed = (await client.get("/v1/org/events", headers=member["headers"])).json()["items"]
    assert [(e["tonnes_retired"], e["neutralised"]) for e in listed] == [(32, True)]
    assert len(listed[0]["retirements"]) == 2


async def test_more_than_is_still_required_may_be_retired(client, db) -> None:
    org, member, _, event = await _world(client, db)
    body = {"account": org.account_id, "quantity": 40}  # at least the footprint: a margin
    r = await neutralise(client, member, event["event_id"], body)
    assert r.status_code == 201, r.text
    assert (r.json()["tonnes_retired"], r.json()["tonnes_still_required"]) == (40, 0)
    assert r.json()["neutralised"] is True


async def test_a_replay_answers_the_first_retirement_once(client, db) -> None:
    org, member, _, event = await _world(client, db)
    eid = event["event_id"]
    body = {"account": org.account_id, "quantity": 5}
    first = await neutralise(client, member, eid, body, key="ev-1")
    again = await neutralise(client, member, eid, body, key="ev-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert await balances(db, org.account_id) == {org.account_id: 95}
    other = await neutralise(client, member, eid, {**body, "quantity": 6}, key="ev-1")
    assert_problem(other, 422, "idempotency_key_reused")
    second_event = await enter(client, member)
    same_key_elsewhere = await neutralise(client, member, second_event["event_id"], body, "ev-1")
    assert_problem(same_key_elsewhere, 422, "idempotency_key_reused")
    missing = await client.post(path(eid), json=body, headers=member["headers"])
    assert_problem(missing, 422, "idempotency_key_missing")
    async with db.unit_of_work() as uow:
        links = await uow.session.scalar(select(func.count()).select_from(EventRetirement))
        retires = await uow.session.scalar(select(func.count()).where(Posting.kind == "reg_retire"))
    assert (links, retires) == (1, 1)


async def test_another_organisations_event_or_account_is_refused(client, db) -> None:
    org, member, _, event = await _world(client, db)
    other = await make_org(db)
    stranger = await org_login(client, db, other.id)
    await issued_units(db, other, 50)
    theirs = await enter(client, stranger)
    # their event: not found, whatever account is named
    r = await neutralise(client, member, theirs["event_id"], {"account": org.account_id})
    assert_problem(r, 404, "event_not_found")
    r = await neutralise(client, stranger, event["event_id"], {"account": other.account_id})
    assert_problem(r, 404, "event_not_found")
    # our event from their account: not ours to move
    r = await neutralise(client, member, event["event_id"], {"account": other.account_id})
    assert_problem(r, 403, "account_not_yours")
    r = await neutralise(client, member, event["event_id"], {"account": "reg:public-behaviour"})
    assert_problem(r, 403, "account_not_yours")
    r = await neutralise(client, member, event["event_id"], {"account": "reg:nobody"})
    assert assert_problem(r, 404, "account_not_found")["field"] == "account"
    r = await neutralise(client, member, "01JNOSUCHEVENT000000000000", {"account": org.account_id})
    assert_problem(r, 404, "event_not_found")
    assert await balances(db, org.account_id, other.account_id) == {
        org.account_id: 100,
        other.account_id: 50,
    }


async def test_bad_quantities_and_bodies_are_problems(client, db) -> None:
    org, member, _, event = await _world(client, db)
    eid = event["event_id"]
    for quantity in (0, -3, 10**12 + 1, 10**30):
        r = await neutralise(client, member, eid, {"account": org.account_id, "quantity": quantity})
        assert assert_problem(r, 422, "invalid_quantity")["field"] == "quantity"
    for body in ({}, {"account": org.account_id, "serials": []}, {"account": ""}):
        assert_problem(await neutralise(client, member, eid, body), 400, "validation_failed")
    r = await neutralise(client, member, eid, {"account": org.account_id, "quantity": 10**6})
    assert_problem(r, 409, "insufficient_units")
    assert await balances(db, org.account_id) == {org.account_id: 100}
