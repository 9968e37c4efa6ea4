"""Two spends of the same units never both succeed: real concurrent requests on PostgreSQL
(parallel transactions), and transfers in both directions between two accounts do not deadlock."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import func, select

from api.app import create_app
from domain.identity.principal import Role
from domain.persistence.tables import LedgerAccount, Posting, UnitBlock
from domain.registry.accounts import RETIRED
from tests.helpers import bearer, staff_login
from tests.live import http_client
from tests.registry_units import issued_units, verified_report
from tests.registry_world import make_org, org_login

pytestmark = pytest.mark.pg_only


@pytest.fixture
async def client(settings):
    """Requests over TCP to a real server, so concurrent requests really run concurrently."""
    async with http_client(create_app(settings)) as c:
        yield c


def _headers(member):
    return {**member["headers"], "Idempotency-Key": uuid.uuid4().hex}


async def _open(db, account):
    async with db.unit_of_work() as uow:
        stmt = select(UnitBlock).where(
            UnitBlock.account_id == account, UnitBlock.closed_at.is_(None)
        )
        return list((await uow.session.execute(stmt)).scalars())


async def _balance(db, account):
    async with db.unit_of_work() as uow:
        return (await uow.session.get(LedgerAccount, account)).balance


async def test_ten_retirements_of_60_from_100_exactly_one_succeeds(client, db):
    org = await make_org(db)
    member = await org_login(client, db, org.id)
    units = await issued_units(db, org, 100)
    body = {
        "account": org.account_id,
        "quantity": 60,
        "beneficiary": "Someone",
        "purpose": "voluntary",
    }
    responses = await asyncio.gather(
        *(
            client.post("/v1/registry/retirements", json=body, headers=_headers(member))
            for _ in range(10)
        )
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 9, [r.text for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"insufficient_units"}
    held = await _open(db, org.account_id)
    assert sum(b.serial_end - b.serial_start + 1 for b in held) == 40
    assert await _balance(db, org.account_id) == 40
    retired = [b for b in await _open(db, RETIRED) if b.issuance_id == units.issuance_id]
    assert [(b.serial_start, b.serial_end, b.status) for b in retired] == [(41, 100, "retired")]
    async with db.unit_of_work() as uow:
        stmt = select(func.count()).where(Posting.kind == "reg_retire")
        assert (await uow.session.execute(stmt)).scalar_one() == 1


async def test_transfers_both_ways_at_once_do_not_deadlock_and_add_up(client, db):
    a, b = await make_org(db), await make_org(db)
    ma, mb = await org_login(client, db, a.id), await org_login(client, db, b.id)
    await issued_units(db, a, 100)
    await issued_units(db, b, 100)

    def move(member, sender, receiver, quantity):
        body = {"from_account": sender, "to_account": receiver, "quantity": quantity}
        return client.post("/v1/registry/transfers", json=body, headers=_headers(member))

    calls = []
    for i in range(12):
        calls.append(move(ma, a.account_id, b.account_id, 3 + i % 4))
        calls.append(move(mb, b.account_id, a.account_id, 2 + i % 3))
    responses = await asyncio.gather(*calls)
    assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
    sent_by_a = sum(
        r.json()["quantity"] for r in responses if r.json()["from_account"] == a.account_id
    )
    sent_by_b = sum(
        r.json()["quantity"] for r in responses if r.json()["from_account"] == b.account_id
    )
    for account, expected in (
        (a.account_id, 100 - sent_by_a + sent_by_b),
        (b.account_id, 100 - sent_by_b + sent_by_a),
    ):
        assert await _balance(db, account) == expected
        held = await _open(db, account)
        assert sum(x.serial_end - x.serial_start + 1 for x in held) == expected


async def test_concurrent_proposals_and_approvals_issue_once(client, db):
    ops = bearer((await staff_login(client, db, Role.OPERATIONS))["access_token"])
    admins = [bearer((await staff_login(client, db, Role.ADMIN))["access_token"]) for _ in range(4)]
    _, report_id, _ = await verified_report(db, await make_org(db), 25)
    proposals = await asyncio.gather(
        *(
            client.post("/v1/admin/issuances", json={"report_id": report_id}, headers=h)
            for h in admins
        )
    )
    assert sorted(r.status_code for r in proposals) == [201, 409, 409, 409]
    [proposal] = [r.json() for r in proposals if r.status_code == 201]
    approvals = await asyncio.gather(
        *(
            client.post(f"/v1/admin/issuances/{proposal['issuance_id']}/approve", headers=ops)
            for _ in range(5)
        )
    )
    assert sorted(r.status_code for r in approvals) == [200, 409, 409, 409, 409]
    async with db.unit_of_work() as uow:
        assert (
            await uow.session.execute(select(func.count()).select_from(UnitBlock))
        ).scalar_one() == 1
