"""`puhui verify` covers the registry: holding accounts' chains, balances against open blocks,
the retired account, each issuance's cover and the issued total; tampering with a block, a
posting or a balance is caught and the row named. Checkpoints cover the registry too."""

from __future__ import annotations

from datetime import timedelta

import msgspec
import pytest
from sqlalchemy import text

from domain.clock import shanghai_date, utcnow
from domain.governance.audit import Actor
from domain.identity.principal import Principal, Role
from domain.ids import new_id
from domain.ledger import checkpoints
from domain.ledger.verify import verify_ledger
from domain.persistence.uow import Database
from domain.registry import retirements, transfers
from jobs import checkpoint
from tests.registry_units import Issued, issued_units
from tests.registry_world import Org, make_org


def member(org: Org) -> tuple[Principal, Actor]:
    """An organisation member as the use cases see one."""
    staff_id = new_id()
    principal = Principal(kind="staff", id=staff_id, family_id="f", role=Role.ORG, org_id=org.id)
    return principal, Actor(id=staff_id, role="org")


async def transfer(db: Database, sender: Org, receiver: Org, quantity: int, **kw) -> str:
    principal, actor = member(sender)
    async with db.unit_of_work() as uow:
        movement = await transfers.transfer(
            uow,
            principal,
            actor,
            from_account=sender.account_id,
            to_account=receiver.account_id,
            quantity=quantity,
            now=utcnow(),
            **kw,
        )
        return movement.id


async def retire(db: Database, holder: Org, quantity: int, *, pending: bool = False, **kw) -> str:
    principal, actor = member(holder)
    async with db.unit_of_work() as uow:
        r = await retirements.retire(
            uow,
            principal,
            actor,
            account=holder.account_id,
            quantity=quantity,
            beneficiary=kw.pop("beneficiary", "Nanjing Marathon 2026"),
            purpose=kw.pop("purpose", "event"),
            details=kw.pop("details", "runners' travel"),
            pending=pending,
            now=utcnow(),
            **kw,
        )
        return r.id


class World(msgspec.Struct):
    a: Org
    b: Org
    issued: Issued
    retired_id: str
    pending_id: str


@pytest.fixture
async def world(db) -> World:
    """A issued 100; A sends 30 to B; B retires 20 (final); A reserves 5 (pending)."""
    a, b = await make_org(db), await make_org(db)
    issued = await issued_units(db, a, 100)
    await transfer(db, a, b, 30)
    retired_id = await retire(db, b, 20)
    pending_id = await retire(db, a, 5, pending=True)
    return World(a=a, b=b, issued=issued, retired_id=retired_id, pending_id=pending_id)


async def report(db: Database):
    async with db.unit_of_work() as uow:
        return await verify_ledger(uow)


async def test_a_clean_registry_verifies(db, world) -> None:
    r = await report(db)
    assert r.ok, r.first_bad
    assert r.postings == 5  # issue, transfer out, transfer in, retire, reserve


async def test_a_released_and_a_completed_retirement_verify(db, world) -> None:
    other = await retire(db, world.a, 7, pending=True)
    async with db.unit_of_work() as uow:
        await retirements.release(uow, Actor(id=new_id(), role="admin"), other, now=utcnow())
        await retirements.complete(
            uow, Actor(id=new_id(), role="admin"), world.pending_id, now=utcnow()
        )
    r = await report(db)
    assert r.ok, r.first_bad


TAMPERING = [
    # a block's range shifted by one (same size, so balances agree): serial 1 is in no block
    (
        "UPDATE unit_blocks SET serial_start = serial_start + 1, serial_end = serial_end + 1 "
        "WHERE closed_at IS NULL AND serial_start = 1",
        "serials 1..1 are in no open block",
    ),
    # a block closed behind the ledger's back: the holder's balance no longer matches
    (
        "UPDATE unit_blocks SET closed_at = created_at WHERE closed_at IS NULL "
        "AND account_id LIKE 'reg:%' AND serial_start = 1",
        "open blocks hold",
    ),
    # a block that was retired, made active again
    (
        "UPDATE unit_blocks SET status = 'active' WHERE closed_at IS NULL AND status = 'retired'",
        "status active in account sys:registry-retired",
    ),
    # a block moved to another holder without a movement
    ("UPDATE unit_blocks SET account_id = '{b}' WHERE account_id = '{a}'", "open blocks hold"),
    # a posting's amount
    ("UPDATE ledger_postings SET amount = amount + 1 WHERE kind = 'reg_transfer_in'", "seq 1"),
    # a posting's counter account
    (
        "UPDATE ledger_postings SET credit_account = 'sys:registry-transit' "
        "WHERE kind = 'reg_retire' AND chain_account = '{b}'",
        "hash does not match",
    ),
    # a cached balance
    ("UPDATE ledger_accounts SET balance = balance + 3 WHERE id = '{a}'", "cached"),
    # an issuance grown after the fact
    ("UPDATE issuances SET quantity = quantity + 1", "issuances id="),
    # a retirement movement made smaller
    ("UPDATE registry_movements SET quantity = quantity - 1 WHERE kind = 'retire'", "retired"),
]


@pytest.mark.parametrize(("sql", "expect"), TAMPERING)
async def test_tampering_is_named(db, world, sql, expect) -> None:
    async with db.unit_of_work() as uow:
        await uow.session.execute(text(sql.format(a=world.a.account_id, b=world.b.account_id)))
    r = await report(db)
    assert not r.ok
    assert expect in r.first_bad, r.first_bad


async def test_checkpoints_cover_registry_heads_and_counts(client, db, world) -> None:
    tomorrow = utcnow() + timedelta(days=1)
    cp = await checkpoint.run(db, tomorrow)  # closes today
    assert cp.day == shanghai_date(utcnow())
    assert cp.accounts == 2  # the two holding accounts' chains
    assert (cp.registry_movements, cp.units_issued, cp.units_retired) == (4, 100, 20)
    [public] = [
        c for c in (await client.get("/v1/public/checkpoints")).json() if c["date"] == str(cp.day)
    ]
    assert (public["registry_movements"], public["units_issued"], public["units_retired"]) == (
        4,
        100,
        20,
    )
    async with db.unit_of_work() as uow:
        again = await checkpoints.compute(uow, cp.day, cp.created_at)
    assert again["merkle_root"] == cp.merkle_root
    # a registry movement rewritten afterwards changes the recomputed root
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            text("UPDATE retirements SET quantity = quantity + 1 WHERE status = 'retired'")
        )
        changed = await checkpoints.compute(uow, cp.day, cp.created_at)
    assert changed["merkle_root"] != cp.merkle_root
