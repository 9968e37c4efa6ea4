"""Transfers: whose accounts may move, oldest vintage first or named serials, split at the tail,
two chained postings through transit, Class II stays with its owner, idempotent."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from domain.identity.principal import Role
from domain.persistence.tables import LedgerAccount, Posting, RegistryMovement, UnitBlock
from domain.registry.accounts import BUFFER, PUBLIC_BEHAVIOUR
from tests.helpers import assert_problem, bearer, staff_login
from tests.registry_units import issued_aggregation, issued_units
from tests.registry_world import make_org, org_login

PATH = "/v1/registry/transfers"


async def send(client, headers, body, key=None):
    h = {**headers, "Idempotency-Key": key or uuid.uuid4().hex}
    return await client.post(PATH, json=body, headers=h)


async def holdings(client, headers, account):
    r = await client.get(f"/v1/registry/accounts/{account}/holdings", headers=headers)
    assert r.status_code == 200, r.text
    return [(h["block"], h["status"]) for h in r.json()["items"]]


async def balances(db, *ids):
    async with db.unit_of_work() as uow:
        rows = await uow.session.execute(select(LedgerAccount).where(LedgerAccount.id.in_(ids)))
        return {a.id: a.balance for a in rows.scalars()}


async def test_oldest_vintage_first_split_at_the_tail(client, db):
    seller, buyer = await make_org(db), await make_org(db)
    member = await org_login(client, db, seller.id)
    new = await issued_units(db, seller, 50, vintage=2025)
    old = await issued_units(db, seller, 30, vintage=2023)
    body = {"from_account": seller.account_id, "to_account": buyer.account_id, "quantity": 40}
    r = await send(client, member["headers"], body)
    assert r.status_code == 201, r.text
    moved = r.json()
    assert sorted(moved["serial_ranges"]) == sorted([old.label, f"{new.prefix}-41-50"])
    assert moved["quantity"] == 40
    assert await holdings(client, member["headers"], seller.account_id) == [
        (f"{new.prefix}-1-40", "active")
    ]
    assert await balances(db, seller.account_id, buyer.account_id) == {
        seller.account_id: 40,
        buyer.account_id: 40,
    }
    async with db.unit_of_work() as uow:
        posts = (
            await uow.session.execute(select(Posting).where(Posting.kind.like("reg_transfer%")))
        ).scalars()
        by_kind = {p.kind: p for p in posts}
        closed = (
            await uow.session.execute(select(UnitBlock).where(UnitBlock.closed_at.is_not(None)))
        ).scalars()
        closed_by = {b.closed_by for b in closed}
    mid = moved["transfer_id"]
    assert by_kind["reg_transfer_out"].idempotency_key == f"reg:{mid}:out"
    assert by_kind["reg_transfer_out"].chain_account == seller.account_id
    assert by_kind["reg_transfer_in"].idempotency_key == f"reg:{mid}:in"
    assert by_kind["reg_transfer_in"].credit_account == buyer.account_id
    assert by_kind["reg_transfer_in"].debit_account == "sys:registry-transit"
    assert closed_by == {mid}


async def test_named_serials_are_taken_wherever_they_lie(client, db):
    seller, buyer = await make_org(db), await make_org(db)
    member = await org_login(client, db, seller.id)
    units = await issued_units(db, seller, 100)
    body = {
        "from_account": seller.account_id,
        "to_account": buyer.account_id,
        "quantity": 11,
        "serials": [f"{units.prefix}-10-19", f"{units.prefix}-50"],
    }
    r = await send(client, member["headers"], body)
    assert r.status_code == 201, r.text
    assert r.json()["serial_ranges"] == [f"{units.prefix}-10-19", f"{units.prefix}-50-50"]
    kept = await holdings(client, member["headers"], seller.account_id)
    assert sorted(b for b, _ in kept) == sorted(
        [f"{units.prefix}-1-9", f"{units.prefix}-20-49", f"{units.prefix}-51-100"]
    )
    again = await send(client, member["headers"], {**body, "quantity": 11})
    assert_problem(again, 409, "serials_not_held")
    bad = await send(client, member["headers"], {**body, "serials": ["NJ-X-1"]})
    assert assert_problem(bad, 422, "invalid_serial")["field"] == "serials[0]"
    wrong_total = await send(client, member["headers"], {**body, "quantity": 12})
    assert_problem(wrong_total, 422, "quantity_mismatch")


async def test_not_enough_units_is_409_and_moves_nothing(client, db):
    seller, buyer = await make_org(db), await make_org(db)
    member = await org_login(client, db, seller.id)
    await issued_units(db, seller, 10)
    body = {"from_account": seller.account_id, "to_account": buyer.account_id, "quantity": 11}
    body_ = assert_problem(await send(client, member["headers"], body), 409, "insufficient_units")
    assert body_["available"] == 10
    assert await balances(db, seller.account_id) == {seller.account_id: 10}


async def test_class_ii_never_goes_to_another_organisation(client, db):
    seller, buyer = await make_org(db), await make_org(db)
    member = await org_login(client, db, seller.id)
    ii = await issued_units(db, seller, 10, unit_class="II")
    await issued_units(db, seller, 5, unit_class="I")
    body = {"from_account": seller.account_id, "to_account": buyer.account_id, "quantity": 6}
    assert_problem(await send(client, member["headers"], body), 409, "class_ii_not_tradable")
    named = {**body, "quantity": 1, "serials": [f"{ii.prefix}-1"]}
    assert_problem(await send(client, member["headers"], named), 409, "class_ii_not_tradable")
    r = await send(client, member["headers"], {**body, "quantity": 5})
    assert r.status_code == 201 and all(s.startswith("NJ-I-") for s in r.json()["serial_ranges"])


async def test_members_move_only_their_organisations_accounts(client, db):
    mine, theirs = await make_org(db), await make_org(db)
    member = await org_login(client, db, mine.id)
    await issued_units(db, theirs, 10)
    body = {"from_account": theirs.account_id, "to_account": mine.account_id, "quantity": 1}
    r = await send(client, member["headers"], body)
    assert assert_problem(r, 403, "account_not_yours")["field"] == "from_account"
    staff = bearer((await staff_login(client, db, Role.ADMIN))["access_token"])
    assert_problem(await send(client, staff, body), 403, "account_not_yours")
    auditor = bearer((await staff_login(client, db, Role.AUDITOR))["access_token"])
    assert_problem(await send(client, auditor, body), 403, "role_required")
    unknown = {**body, "from_account": mine.account_id, "to_account": "reg:nobody"}
    assert assert_problem(await send(client, member["headers"], unknown), 404)["field"] == (
        "to_account"
    )
    same = {**body, "from_account": mine.account_id, "to_account": mine.account_id}
    assert_problem(await send(client, member["headers"], same), 422, "same_account")


async def test_staff_move_the_platform_accounts(client, db):
    ops = bearer((await staff_login(client, db, Role.OPERATIONS))["access_token"])
    org = await make_org(db)
    await issued_aggregation(db, 8)
    body = {"from_account": PUBLIC_BEHAVIOUR, "to_account": BUFFER, "quantity": 3}
    assert (await send(client, ops, body)).status_code == 201
    body = {"from_account": PUBLIC_BEHAVIOUR, "to_account": org.account_id, "quantity": 2}
    assert (await send(client, ops, body)).status_code == 201
    assert await balances(db, PUBLIC_BEHAVIOUR, BUFFER, org.account_id) == {
        PUBLIC_BEHAVIOUR: 3,
        BUFFER: 3,
        org.account_id: 2,
    }


async def test_idempotency_key_required_replayed_and_bound_to_its_body(client, db):
    seller, buyer = await make_org(db), await make_org(db)
    member = await org_login(client, db, seller.id)
    await issued_units(db, seller, 10)
    body = {"from_account": seller.account_id, "to_account": buyer.account_id, "quantity": 4}
    r = await client.post(PATH, json=body, headers=member["headers"])
    assert_problem(r, 422, "idempotency_key_missing")
    first = await send(client, member["headers"], body, key="t-1")
    replay = await send(client, member["headers"], body, key="t-1")
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    other = await send(client, member["headers"], {**body, "quantity": 5}, key="t-1")
    assert_problem(other, 422, "idempotency_key_reused")
    assert await balances(db, seller.account_id) == {seller.account_id: 6}
    async with db.unit_of_work() as uow:
        count = len(list((await uow.session.execute(select(RegistryMovement.id))).scalars()))
    assert count == 2  # the issuance and one transfer


async def test_bad_bodies_are_4xx(client, db):
    org = await make_org(db)
    member = await org_login(client, db, org.id)
    for body in (
        {"from_account": org.account_id, "to_account": "x", "quantity": 0},
        {"from_account": org.account_id, "quantity": 1},
        {"from_account": org.account_id, "to_account": "x", "quantity": 1, "serials": []},
    ):
        assert_problem(await send(client, member["headers"], body), 400)
