"""Retirements: final, for a beneficiary and a purpose; units rest retired in the retirement
account with one chained posting; pending ones reserve their units until completed or released."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from domain.clock import utcnow
from domain.errors import Conflict
from domain.governance.audit import SYSTEM
from domain.identity.principal import Principal, Role
from domain.persistence.tables import AuditEntry, Posting, Retirement, UnitBlock
from domain.registry import retirements
from domain.registry.accounts import RETIRED
from tests.api.test_transfers import balances, holdings, send
from tests.helpers import assert_problem
from tests.registry_units import issued_units
from tests.registry_world import make_org, org_login

PATH = "/v1/registry/retirements"


async def retire(client, headers, body, key=None):
    h = {**headers, "Idempotency-Key": key or uuid.uuid4().hex}
    return await client.post(PATH, json=body, headers=h)


def body_for(account, quantity, **more):
    return {
        "account": account,
        "quantity": quantity,
        "beneficiary": "Nanjing Marathon 2026",
        "purpose": "event",
        "details": "the race's footprint",
        **more,
    }


async def open_blocks(db, account):
    async with db.unit_of_work() as uow:
        stmt = select(UnitBlock).where(
            UnitBlock.account_id == account, UnitBlock.closed_at.is_(None)
        )
        return sorted(
            (b.serial_start, b.serial_end, b.status)
            for b in (await uow.session.execute(stmt)).scalars()
        )


async def test_a_retirement_is_final_and_recorded(client, db):
    org = await make_org(db)
    member = await org_login(client, db, org.id)
    units = await issued_units(db, org, 100, vintage=2024)
    r = await retire(client, member["headers"], body_for(org.account_id, 30))
    assert r.status_code == 201, r.text
    out = r.json()
    rid = out["retirement_id"]
    assert out["serial_ranges"] == [f"{units.prefix}-71-100"]
    assert out["certificate_url"] == f"/v1/public/retirements/{rid}/certificate.pdf"
    assert (out["status"], out["purpose"], out["beneficiary"]) == (
        "retired",
        "event",
        "Nanjing Marathon 2026",
    )
    assert await open_blocks(db, RETIRED) == [(71, 100, "retired")]
    assert await holdings(client, member["headers"], org.account_id) == [
        (f"{units.prefix}-1-70", "active")
    ]
    assert await balances(db, org.account_id) == {org.account_id: 70}
    async with db.unit_of_work() as uow:
        row = await uow.registry.retirement(rid)
        [posting] = (
            await uow.session.execute(select(Posting).where(Posting.kind == "reg_retire"))
        ).scalars()
        audited = (
            await uow.session.execute(select(AuditEntry).where(AuditEntry.target_id == rid))
        ).scalar_one()
    assert (row.org_id, row.details, row.retired_at is not None) == (
        org.id,
        "the race's footprint",
        True,
    )
    assert posting.idempotency_key == f"reg:{row.movement_id}:out"
    assert (posting.chain_account, posting.credit_account, posting.amount) == (
        org.account_id,
        RETIRED,
        30,
    )
    assert audited.action == "registry.retire"
    # retired units never move again, and the holder cannot retire more than it holds
    bad = await retire(client, member["headers"], body_for(org.account_id, 71))
    assert_problem(bad, 409, "insufficient_units")
    named = body_for(org.account_id, 1, serials=[f"{units.prefix}-80"])
    assert_problem(await retire(client, member["headers"], named), 409, "serials_not_held")


async def test_class_ii_units_can_be_retired(client, db):
    org = await make_org(db)
    member = await org_login(client, db, org.id)
    ii = await issued_units(db, org, 5, unit_class="II")
    r = await retire(client, member["headers"], body_for(org.account_id, 5, purpose="voluntary"))
    assert r.status_code == 201 and r.json()["serial_ranges"] == [ii.label]


async def test_purpose_beneficiary_and_owner_are_checked(client, db):
    org, other = await make_org(db), await make_org(db)
    member = await org_login(client, db, org.id)
    await issued_units(db, org, 5)
    await issued_units(db, other, 5)
    bad_purpose = body_for(org.account_id, 1, purpose="fun")
    assert_problem(await retire(client, member["headers"], bad_purpose), 400)
    blank = body_for(org.account_id, 1, beneficiary="   ")
    r = await retire(client, member["headers"], blank)
    assert assert_problem(r, 422, "beneficiary_required")["field"] == "beneficiary"
    theirs = body_for(other.account_id, 1)
    assert_problem(await retire(client, member["headers"], theirs), 403, "account_not_yours")
    r = await client.post(PATH, json=body_for(org.account_id, 1), headers=member["headers"])
    assert_problem(r, 422, "idempotency_key_missing")
    assert await balances(db, org.account_id, other.account_id) == {
        org.account_id: 5,
        other.account_id: 5,
    }


async def test_a_replay_returns_the_first_retirement(client, db):
    org = await make_org(db)
    member = await org_login(client, db, org.id)
    await issued_units(db, org, 10)
    first = await retire(client, member["headers"], body_for(org.account_id, 3), key="r-1")
    again = await retire(client, member["headers"], body_for(org.account_id, 3), key="r-1")
    assert again.status_code == 201 and again.json() == first.json()
    other = await retire(client, member["headers"], body_for(org.account_id, 4), key="r-1")
    assert_problem(other, 422, "idempotency_key_reused")
    assert await balances(db, org.account_id) == {org.account_id: 7}


async def _pending(db, org, quantity):
    member = Principal(kind="staff", id="member", family_id="f", role=Role.ORG, org_id=org.id)
    async with db.unit_of_work() as uow:
        return await retirements.retire(
            uow,
            member,
            SYSTEM,
            account=org.account_id,
            quantity=quantity,
            beneficiary="Buyer Co.",
            purpose="carbon_neutrality",
            pending=True,
            now=utcnow(),
        )


async def test_a_pending_retirement_reserves_then_completes(client, db):
    org = await make_org(db)
    member = await org_login(client, db, org.id)
    await issued_units(db, org, 10)
    pending = await _pending(db, org, 4)
    assert pending.status == "pending" and pending.retired_at is None
    assert await open_blocks(db, RETIRED) == [(7, 10, "reserved")]
    assert await balances(db, org.account_id) == {org.account_id: 6}
    # reserved units are not movable: only 6 remain
    assert_problem(
        await retire(client, member["headers"], body_for(org.account_id, 7)),
        409,
        "insufficient_units",
    )
    async with db.unit_of_work() as uow:
        done = await retirements.complete(uow, SYSTEM, pending.id, now=utcnow())
    assert done.status == "retired" and done.retired_at is not None
    assert await open_blocks(db, RETIRED) == [(7, 10, "retired")]
    assert await balances(db, org.account_id) == {org.account_id: 6}
    with pytest.raises(Conflict) as refused:
        async with db.unit_of_work() as uow:
            await retirements.release(uow, SYSTEM, pending.id, now=utcnow())
    assert refused.value.code == "retirement_not_pending"


async def test_a_released_retirement_gives_the_units_back(client, db):
    org = await make_org(db)
    await issued_units(db, org, 10)
    pending = await _pending(db, org, 4)
    async with db.unit_of_work() as uow:
        released = await retirements.release(uow, SYSTEM, pending.id, now=utcnow())
    assert released.status == "released"
    assert await open_blocks(db, RETIRED) == []
    assert await open_blocks(db, org.account_id) == [(1, 6, "active"), (7, 10, "active")]
    assert await balances(db, org.account_id) == {org.account_id: 10}
    async with db.unit_of_work() as uow:
        kinds = [
            p.kind
            for p in (
                await uow.session.execute(
                    select(Posting)
                    .where(Posting.chain_account == org.account_id)
                    .order_by(Posting.seq)
                )
            ).scalars()
        ]
        row = await uow.session.get(Retirement, pending.id)
    assert kinds == ["reg_issue", "reg_retire", "reg_release"]
    assert row.status == "released"
    with pytest.raises(Conflict):
        async with db.unit_of_work() as uow:
            await retirements.complete(uow, SYSTEM, pending.id, now=utcnow())


async def test_transfers_and_retirements_keep_every_serial_in_one_block(client, db):
    a, b = await make_org(db), await make_org(db)
    ma, mb = await org_login(client, db, a.id), await org_login(client, db, b.id)
    units = await issued_units(db, a, 50)
    await send(
        client,
        ma["headers"],
        {"from_account": a.account_id, "to_account": b.account_id, "quantity": 20},
    )
    await retire(client, mb["headers"], body_for(b.account_id, 5))
    await retire(client, ma["headers"], body_for(a.account_id, 10))
    await send(
        client,
        mb["headers"],
        {"from_account": b.account_id, "to_account": a.account_id, "quantity": 7},
    )
    async with db.unit_of_work() as uow:
        rows = (
            await uow.session.execute(
                select(UnitBlock).where(
                    UnitBlock.issuance_id == units.issuance_id, UnitBlock.closed_at.is_(None)
                )
            )
        ).scalars()
        spans = sorted((r.serial_start, r.serial_end) for r in rows)
    covered = [n for s, e in spans for n in range(s, e + 1)]
    assert covered == list(range(1, 51))
    assert await balances(db, a.account_id, b.account_id) == {a.account_id: 27, b.account_id: 8}
