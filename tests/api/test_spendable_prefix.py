"""A movement reads only the blocks it may take: the account's active blocks of the class it may
spend, in spending order (oldest vintage first), as many as reach the quantity. Its history of
small blocks does not make each movement slower, and the planner takes the same serials."""

from __future__ import annotations

from domain.registry import store
from tests.api.test_transfers import send
from tests.registry_units import issued_units
from tests.registry_world import make_org, org_login


async def _prefix(db, account, quantity, unit_class=None) -> list[tuple[int, int, int]]:
    async with db.unit_of_work() as uow:
        rows = await uow.registry.spendable_prefix(account, quantity, unit_class=unit_class)
    return sorted((i.vintage, b.serial_start, b.serial_end) for b, i in rows)


async def test_only_the_oldest_blocks_that_reach_the_quantity(client, db) -> None:
    org, other = await make_org(db), await make_org(db)
    await issued_units(db, org, 10, vintage=2025)
    await issued_units(db, org, 5, vintage=2023)
    await issued_units(db, org, 7, vintage=2024)
    await issued_units(db, org, 9, vintage=2022, unit_class="II")
    assert await _prefix(db, org.account_id, 3, "I") == [(2023, 1, 5)]
    assert await _prefix(db, org.account_id, 5, "I") == [(2023, 1, 5)]
    assert await _prefix(db, org.account_id, 6, "I") == [(2023, 1, 5), (2024, 1, 7)]
    assert await _prefix(db, org.account_id, 1, None) == [(2022, 1, 9)]  # any class: II is oldest
    assert len(await _prefix(db, org.account_id, 999, "I")) == 3  # not enough: all of that class
    # a transfer splits its blocks; the blocks it leaves are what the next one reads
    member = await org_login(client, db, org.id)
    body = {"from_account": org.account_id, "to_account": other.account_id, "quantity": 6}
    assert (await send(client, member["headers"], body)).status_code == 201
    assert await _prefix(db, org.account_id, 2, "I") == [(2024, 1, 6)]


async def test_refusals_still_name_what_the_account_holds(client, db) -> None:
    org, other = await make_org(db), await make_org(db)
    await issued_units(db, org, 4, vintage=2024)
    await issued_units(db, org, 6, vintage=2023, unit_class="II")
    member = await org_login(client, db, org.id)
    body = {"from_account": org.account_id, "to_account": other.account_id, "quantity": 8}
    r = await send(client, member["headers"], body)
    assert r.json()["code"] == "class_ii_not_tradable"  # 10 held, only 4 of them Class I
    r = await send(client, member["headers"], {**body, "quantity": 11})
    assert r.json()["code"] == "insufficient_units"
    async with db.unit_of_work() as uow:
        held = await store.to_spend(uow, org.account_id, 8, unit_class="I")
    assert sum(b.quantity for b in held.blocks) == 10  # the whole account, for the refusal
