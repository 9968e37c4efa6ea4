"""Issuance, four eyes: proposals of verified reports and aggregations, approval by another staff
member (one block, one movement, one chained posting), rejection, and never twice."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from domain.clock import utcnow
from domain.identity.principal import Role
from domain.ids import new_id
from domain.persistence.tables import (
    AuditEntry,
    Issuance,
    LedgerAccount,
    Posting,
    RegistryMovement,
    UnitBlock,
)
from domain.registry.accounts import PUBLIC_BEHAVIOUR
from tests.helpers import assert_problem, bearer, staff_login
from tests.registry_units import aggregation_row, issued_units, this_year, verified_report
from tests.registry_world import make_org

PATH = "/v1/admin/issuances"


@pytest.fixture
async def staff(client, db):
    ops = await staff_login(client, db, Role.OPERATIONS)
    admin = await staff_login(client, db, Role.ADMIN)
    return bearer(ops["access_token"]), bearer(admin["access_token"])


async def _rows(db, model, *where):
    async with db.unit_of_work() as uow:
        stmt = select(model).where(*where)
        return list((await uow.session.execute(stmt)).scalars())


async def test_proposed_by_one_approved_by_another_issues_one_block(client, db, staff):
    ops, admin = staff
    org = await make_org(db)
    _, report_id, code = await verified_report(db, org, 120, vintage=2024)
    r = await client.post(PATH, json={"report_id": report_id}, headers=ops)
    assert r.status_code == 201, r.text
    proposal = r.json()
    assert proposal["status"] == "proposed" and proposal["issuance_no"] is None
    assert (proposal["project_code"], proposal["vintage"], proposal["unit_class"]) == (
        code,
        2024,
        "I",
    )
    assert (proposal["quantity"], proposal["account_id"]) == (120, org.account_id)
    assert await _rows(db, UnitBlock) == []

    r = await client.post(f"{PATH}/{proposal['issuance_id']}/approve", headers=admin)
    assert r.status_code == 200, r.text
    issued = r.json()
    assert issued["status"] == "issued" and issued["issuance_no"] == 1
    assert issued["serial_range"] == f"NJ-I-2024-{code}-1-1-120"

    [block] = await _rows(db, UnitBlock)
    assert (block.serial_start, block.serial_end, block.account_id, block.status) == (
        1,
        120,
        org.account_id,
        "active",
    )
    [movement] = await _rows(db, RegistryMovement)
    assert (movement.kind, movement.to_account, movement.quantity) == ("issue", org.account_id, 120)
    assert block.created_by == movement.id and movement.issuance_id == issued["issuance_id"]
    [posting] = await _rows(db, Posting, Posting.kind == "reg_issue")
    assert posting.idempotency_key == f"reg:{movement.id}:in"
    assert (posting.amount, posting.chain_account) == (120, org.account_id)
    assert (posting.debit_account, posting.credit_account) == (
        "sys:registry-issuance",
        org.account_id,
    )
    [account] = await _rows(db, LedgerAccount, LedgerAccount.id == org.account_id)
    assert (account.balance, account.entries) == (120, 1)
    actions = {a.action for a in await _rows(db, AuditEntry, AuditEntry.target_type == "issuance")}
    assert actions == {"issuance.propose", "issuance.approve"}


async def test_the_proposer_cannot_approve(client, db, staff):
    ops, _ = staff
    _, report_id, _ = await verified_report(db, await make_org(db), 10)
    proposal = (await client.post(PATH, json={"report_id": report_id}, headers=ops)).json()
    r = await client.post(f"{PATH}/{proposal['issuance_id']}/approve", headers=ops)
    assert_problem(r, 409, "four_eyes")
    assert await _rows(db, UnitBlock) == []


async def test_a_report_is_proposed_once_and_approved_once(client, db, staff):
    ops, admin = staff
    _, report_id, _ = await verified_report(db, await make_org(db), 10)
    first = (await client.post(PATH, json={"report_id": report_id}, headers=ops)).json()
    assert_problem(
        await client.post(PATH, json={"report_id": report_id}, headers=admin),
        409,
        "already_proposed",
    )
    assert (await client.post(f"{PATH}/{first['issuance_id']}/approve", headers=admin)).is_success
    again = await client.post(f"{PATH}/{first['issuance_id']}/approve", headers=admin)
    assert_problem(again, 409, "already_decided")
    assert len(await _rows(db, UnitBlock)) == 1


async def test_the_database_refuses_a_second_issuance_of_a_report(db):
    issued = await issued_units(db, await make_org(db), 5)
    with pytest.raises(IntegrityError):
        async with db.unit_of_work() as uow:
            uow.session.add(
                Issuance(
                    id=new_id(),
                    report_id=issued.report_id,
                    project_code=issued.project_code,
                    vintage=issued.vintage,
                    unit_class="I",
                    quantity=5,
                    account_id=issued.account_id,
                    status="proposed",
                    proposed_by=new_id(),
                    proposed_at=utcnow(),
                )
            )


async def test_the_database_refuses_a_second_issuance_of_an_aggregation(db):
    aggregation_id = await aggregation_row(db, 3)

    def proposal() -> Issuance:
        return Issuance(
            id=new_id(),
            aggregation_id=aggregation_id,
            project_code="PBNJGT",
            vintage=2025,
            unit_class="I",
            quantity=3,
            account_id=PUBLIC_BEHAVIOUR,
            status="proposed",
            proposed_by=new_id(),
            proposed_at=utcnow(),
        )

    async with db.unit_of_work() as uow:
        uow.session.add(proposal())
    with pytest.raises(IntegrityError):
        async with db.unit_of_work() as uow:
            uow.session.add(proposal())


async def test_only_verified_reports_of_registered_projects(client, db, staff):
    ops, _ = staff
    org = await make_org(db)
    project_id, report_id, _ = await verified_report(db, org, 10)
    async with db.unit_of_work() as uow:
        report = await uow.registry.report(report_id)
        report.status, report.verified_t = "assigned", None
    r = await client.post(PATH, json={"report_id": report_id}, headers=ops)
    assert_problem(r, 409, "report_not_verified")
    async with db.unit_of_work() as uow:
        report = await uow.registry.report(report_id)
        report.status, report.verified_t = "verified", 10
        (await uow.registry.project(project_id)).status = "submitted"
    r = await client.post(PATH, json={"report_id": report_id}, headers=ops)
    assert_problem(r, 409, "project_not_registered")
    r = await client.post(PATH, json={"report_id": new_id()}, headers=ops)
    assert_problem(r, 404, "report_not_found")


async def test_exactly_one_source(client, db, staff):
    ops, _ = staff
    for body in ({}, {"report_id": new_id(), "aggregation_id": new_id()}):
        body_ = assert_problem(await client.post(PATH, json=body, headers=ops), 422)
        assert body_["code"] == "one_source_required"
    assert_problem(await client.post(PATH, json={"report_id": 5}, headers=ops), 400)


async def test_an_aggregation_is_issued_to_the_public_behaviour_account(client, db, staff):
    ops, admin = staff
    year = this_year()
    aggregation_id = await aggregation_row(db, 7, vintage=year)
    proposal = (
        await client.post(PATH, json={"aggregation_id": aggregation_id}, headers=ops)
    ).json()
    assert (proposal["project_code"], proposal["unit_class"], proposal["vintage"]) == (
        "PBNJGT",
        "I",
        year,
    )
    assert proposal["account_id"] == PUBLIC_BEHAVIOUR
    issued = (await client.post(f"{PATH}/{proposal['issuance_id']}/approve", headers=admin)).json()
    assert issued["serial_range"] == f"NJ-I-{year}-PBNJGT-1-1-7"
    second = await aggregation_row(db, 2, vintage=year)
    proposal = (await client.post(PATH, json={"aggregation_id": second}, headers=admin)).json()
    issued = (await client.post(f"{PATH}/{proposal['issuance_id']}/approve", headers=ops)).json()
    assert issued["issuance_no"] == 2
    [account] = await _rows(db, LedgerAccount, LedgerAccount.id == PUBLIC_BEHAVIOUR)
    assert account.balance == 9


async def test_an_empty_aggregation_cannot_be_issued(client, db, staff):
    ops, _ = staff
    aggregation_id = await aggregation_row(db, 0)
    r = await client.post(PATH, json={"aggregation_id": aggregation_id}, headers=ops)
    assert_problem(r, 409, "nothing_to_issue")


async def test_numbers_follow_per_project_and_class_ii_is_kept(client, db, staff):
    ops, admin = staff
    org = await make_org(db)
    first = await issued_units(db, org, 4, unit_class="II")
    assert first.unit_class == "II" and first.issuance_no == 1
    async with db.unit_of_work() as uow:
        second = await uow.registry.report(first.report_id)
        uow.session.add(
            type(second)(
                id=new_id(),
                project_id=first.project_id,
                period_start=second.period_end.replace(year=second.period_end.year + 1, day=1),
                period_end=second.period_end.replace(year=second.period_end.year + 1),
                claimed_t=9,
                data={},
                status="verified",
                verified_t=8,
                created_at=utcnow(),
            )
        )
        await uow.flush()
        next_report = (
            await uow.session.execute(select(type(second).id).where(type(second).verified_t == 8))
        ).scalar_one()
    proposal = (await client.post(PATH, json={"report_id": next_report}, headers=ops)).json()
    issued = (await client.post(f"{PATH}/{proposal['issuance_id']}/approve", headers=admin)).json()
    assert (issued["issuance_no"], issued["unit_class"], issued["vintage"]) == (2, "II", 2026)


async def test_reject_needs_a_reason_and_issues_nothing(client, db, staff):
    ops, admin = staff
    _, report_id, _ = await verified_report(db, await make_org(db), 10)
    proposal = (await client.post(PATH, json={"report_id": report_id}, headers=ops)).json()
    url = f"{PATH}/{proposal['issuance_id']}/reject"
    assert_problem(await client.post(url, json={}, headers=admin), 400)
    assert_problem(await client.post(url, json={"reason": "no"}, headers=ops), 409, "four_eyes")
    r = await client.post(url, json={"reason": "the findings are incomplete"}, headers=admin)
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert r.json()["reason"] == "the findings are incomplete"
    assert await _rows(db, UnitBlock) == []
    assert_problem(
        await client.post(f"{PATH}/{proposal['issuance_id']}/approve", headers=admin),
        409,
        "already_decided",
    )


async def test_a_rejected_proposal_can_be_proposed_again_and_issued_once(client, db, staff):
    ops, admin = staff
    _, report_id, _ = await verified_report(db, await make_org(db), 10)
    first = (await client.post(PATH, json={"report_id": report_id}, headers=ops)).json()
    reject = f"{PATH}/{first['issuance_id']}/reject"
    assert (await client.post(reject, json={"reason": "typo"}, headers=admin)).status_code == 200
    r = await client.post(PATH, json={"report_id": report_id}, headers=admin)  # proposed again
    assert r.status_code == 201, r.text
    again = r.json()
    assert again["issuance_id"] == first["issuance_id"]  # one row per report, reopened
    assert (again["status"], again["reason"]) == ("proposed", None)
    assert_problem(  # while proposed (and once issued) it is not proposed a third time
        await client.post(PATH, json={"report_id": report_id}, headers=ops), 409, "already_proposed"
    )
    approve = f"{PATH}/{again['issuance_id']}/approve"
    assert_problem(await client.post(approve, headers=admin), 409, "four_eyes")  # now the proposer
    assert (await client.post(approve, headers=ops)).json()["status"] == "issued"
    assert len(await _rows(db, UnitBlock)) == 1


async def test_waiting_proposals_oldest_first_in_pages(client, db, staff):
    ops, admin = staff
    org = await make_org(db)
    ids = []
    for _ in range(3):
        _, report_id, _ = await verified_report(db, org, 3)
        ids.append((await client.post(PATH, json={"report_id": report_id}, headers=ops)).json())
    await client.post(f"{PATH}/{ids[1]['issuance_id']}/approve", headers=admin)
    r = await client.get(PATH, params={"status": "proposed", "limit": 1}, headers=admin)
    assert r.status_code == 200, r.text
    page = r.json()
    assert [i["issuance_id"] for i in page["items"]] == [ids[0]["issuance_id"]]
    page = (
        await client.get(
            PATH,
            params={"status": "proposed", "limit": 1, "cursor": page["next_cursor"]},
            headers=admin,
        )
    ).json()
    assert [i["issuance_id"] for i in page["items"]] == [ids[2]["issuance_id"]]
    assert page["next_cursor"] is None
    r = await client.get(PATH, params={"cursor": "nonsense"}, headers=admin)
    assert_problem(r, 422, "invalid_cursor")
    one = await client.get(f"{PATH}/{ids[1]['issuance_id']}", headers=admin)
    assert one.json()["status"] == "issued"
    assert_problem(await client.get(f"{PATH}/{new_id()}", headers=admin), 404, "issuance_not_found")


async def test_roles(client, db):
    auditor = bearer((await staff_login(client, db, Role.AUDITOR))["access_token"])
    org = await make_org(db)
    _, report_id, _ = await verified_report(db, org, 3)
    r = await client.post(PATH, json={"report_id": report_id}, headers=auditor)
    assert_problem(r, 403)
    assert (await client.get(PATH, headers=auditor)).status_code == 200
