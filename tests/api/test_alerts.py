"""/v1/admin/alerts: staff list supervision alerts with their evidence, acknowledge and resolve
them (audited); auditors only read; bad input is a clear 4xx; the dashboard counts open ones."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.clock import utcnow
from domain.identity.principal import Role
from domain.persistence.tables import AuditEntry
from domain.registry import issuance
from tests.helpers import assert_problem, bearer, citizen_login
from tests.registry_units import APPROVER, PROPOSER, verified_report
from tests.registry_world import make_org
from tests.supervision_world import detect, staff

PATH = "/v1/admin/alerts"


async def _overclaim(db, tonnes: int = 40) -> str:
    """A verified report whose issuance staff rejected: one verifier_overclaim alert."""
    _, report_id, _ = await verified_report(db, await make_org(db), tonnes)
    async with db.unit_of_work() as uow:
        proposal = await issuance.propose(uow, PROPOSER, report_id=report_id, now=utcnow())
    async with db.unit_of_work() as uow:
        await issuance.decide(uow, APPROVER, proposal.id, approve=False, reason="no", now=utcnow())
    assert (await detect(db, utcnow()))["verifier_overclaim"] == 1
    return report_id


@pytest.fixture
async def heads(client, db) -> dict[Role, dict[str, str]]:
    return {r: await staff(client, db, r) for r in (Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)}


async def test_list_acknowledge_resolve(client, db, heads) -> None:
    report_id = await _overclaim(db)
    ops, admin = heads[Role.OPERATIONS], heads[Role.ADMIN]
    r = await client.get(PATH, params={"status": "open", "kind": "verifier_overclaim"}, headers=ops)
    assert r.status_code == 200, r.text
    [item] = r.json()["items"]
    assert r.json()["next_cursor"] is None
    assert item["status"] == "open" and item["evidence"]["report_id"] == report_id
    alert_id = item["alert_id"]
    assert (await client.get(PATH, params={"kind": "redemption_burst"}, headers=ops)).json()[
        "items"
    ] == []

    r = await client.post(f"{PATH}/{alert_id}/acknowledge", json={"note": "看一下"}, headers=ops)
    assert r.status_code == 201, r.text
    assert (r.json()["status"], r.json()["acknowledge_note"]) == ("acknowledged", "看一下")
    again = await client.post(f"{PATH}/{alert_id}/acknowledge", headers=ops)
    assert_problem(again, 409, "alert_not_open")
    assert (await client.get(PATH, params={"status": "open"}, headers=ops)).json()["items"] == []

    dashboard = (await client.get("/v1/admin/dashboard", headers=admin)).json()
    assert dashboard["open_alerts"] == 1  # acknowledged is not resolved

    r = await client.post(f"{PATH}/{alert_id}/resolve", json={"note": "核查属实"}, headers=admin)
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["status"], body["resolution"], body["resolved_by"]) == (
        "resolved",
        "核查属实",
        body["resolved_by"],
    )
    assert body["resolved_at"] and body["acknowledged_by"]
    assert_problem(
        await client.post(f"{PATH}/{alert_id}/resolve", json={"note": "x"}, headers=admin),
        409,
        "alert_resolved",
    )
    detail = (await client.get(f"{PATH}/{alert_id}", headers=heads[Role.AUDITOR])).json()
    assert detail["status"] == "resolved"
    assert (await client.get("/v1/admin/dashboard", headers=admin)).json()["open_alerts"] == 0

    async with db.unit_of_work() as uow:
        stmt = select(AuditEntry).where(AuditEntry.target_id == alert_id).order_by(AuditEntry.id)
        audit = list((await uow.session.execute(stmt)).scalars())
    assert [(a.action, a.before["status"], a.after["status"]) for a in audit] == [
        ("alert.acknowledge", "open", "acknowledged"),
        ("alert.resolve", "acknowledged", "resolved"),
    ]
    # a resolved alert is not raised again by the next run
    assert (await detect(db, utcnow()))["verifier_overclaim"] == 0


async def test_an_open_alert_is_resolved_without_acknowledging(client, db, heads) -> None:
    await _overclaim(db)
    ops = heads[Role.OPERATIONS]
    [item] = (await client.get(PATH, headers=ops)).json()["items"]
    r = await client.post(f"{PATH}/{item['alert_id']}/resolve", json={"note": "误报"}, headers=ops)
    assert r.status_code == 201 and r.json()["acknowledged_at"] is None


async def test_auditors_read_only_and_others_not_at_all(client, db, heads) -> None:
    await _overclaim(db)
    auditor = heads[Role.AUDITOR]
    [item] = (await client.get(PATH, headers=auditor)).json()["items"]
    url = f"{PATH}/{item['alert_id']}"
    assert (await client.get(url, headers=auditor)).status_code == 200
    assert_problem(await client.post(f"{url}/acknowledge", headers=auditor), 403)
    assert_problem(await client.post(f"{url}/resolve", json={"note": "x"}, headers=auditor), 403)
    assert_problem(await client.post(f"{PATH}/scan", headers=auditor), 403)
    citizen = bearer((await citizen_login(client))["access_token"])
    assert_problem(await client.get(PATH, headers=citizen), 403)
    assert_problem(await client.get(PATH), 401)
    assert (await client.get(url, headers=auditor)).json()["status"] == "open"


async def test_bad_input_is_a_clear_4xx(client, db, heads) -> None:
    await _overclaim(db)
    ops = heads[Role.OPERATIONS]
    [item] = (await client.get(PATH, headers=ops)).json()["items"]
    url = f"{PATH}/{item['alert_id']}"
    assert_problem(await client.get(f"{PATH}/01HZZZZZZZZZZZZZZZZZZZZZZZ", headers=ops), 404)
    assert_problem(
        await client.post(f"{PATH}/nope/acknowledge", headers=ops), 404, "alert_not_found"
    )
    assert_problem(
        await client.get(PATH, params={"kind": "nope"}, headers=ops), 422, "invalid_kind"
    )
    assert_problem(await client.get(PATH, params={"status": "closed"}, headers=ops), 400)
    assert_problem(await client.get(PATH, params={"limit": 0}, headers=ops), 400)
    assert_problem(await client.post(f"{url}/resolve", json={}, headers=ops), 400)
    assert_problem(await client.post(f"{url}/resolve", json={"note": ""}, headers=ops), 400)
    assert_problem(
        await client.post(f"{url}/resolve", json={"note": "   "}, headers=ops), 422, "note_required"
    )
    assert_problem(await client.post(f"{url}/resolve", json={"note": "x" * 2001}, headers=ops), 400)
    assert_problem(
        await client.post(f"{url}/acknowledge", json={"note": "x", "extra": 1}, headers=ops), 400
    )
    assert_problem(await client.post(f"{url}/acknowledge", content=b"{not json", headers=ops), 400)
    assert (await client.get(url, headers=ops)).json()["status"] == "open"


async def test_pages_newest_first(client, db, heads) -> None:
    for _ in range(3):
        await _overclaim(db, 5)
    ops = heads[Role.OPERATIONS]
    first = (await client.get(PATH, params={"limit": 2}, headers=ops)).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = (
        await client.get(PATH, params={"limit": 2, "cursor": first["next_cursor"]}, headers=ops)
    ).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    ids = [a["alert_id"] for a in first["items"] + rest["items"]]
    assert ids == sorted(ids, reverse=True)


async def test_staff_run_the_detectors_now(client, db, heads) -> None:
    _, report_id, _ = await verified_report(db, await make_org(db), 7)
    async with db.unit_of_work() as uow:
        proposal = await issuance.propose(uow, PROPOSER, report_id=report_id, now=utcnow())
    async with db.unit_of_work() as uow:
        await issuance.decide(uow, APPROVER, proposal.id, approve=False, reason="no", now=utcnow())
    r = await client.post(f"{PATH}/scan", headers=heads[Role.OPERATIONS])
    assert r.status_code == 201, r.text
    assert r.json()["raised"]["verifier_overclaim"] == 1
    r = await client.post(f"{PATH}/scan", headers=heads[Role.ADMIN])
    assert r.json()["raised"]["verifier_overclaim"] == 0
    async with db.unit_of_work() as uow:
        stmt = select(AuditEntry.action).where(AuditEntry.target_type == "alert")
        assert list((await uow.session.execute(stmt)).scalars()) == ["alert.scan", "alert.scan"]
