"""Donating points to a project, once per Idempotency-Key, over the fake unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain.errors import Gone, InvalidInput
from domain.governance.audit import Actor
from domain.ledger import idempotency
from domain.ledger.accounts import citizen_account_id
from domain.ledger.postings import InsufficientPoints
from domain.points import donations
from tests.fakes import FakeUnitOfWork
from tests.fakes.builders import citizen, grant

NOW = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
STAFF = Actor(id="staff-1", role="admin")
SOON = datetime(2026, 6, 30, 16, 0, tzinfo=UTC)
LATER = datetime(2027, 6, 30, 16, 0, tzinfo=UTC)


async def world() -> tuple[FakeUnitOfWork, str, str]:
    """A citizen with 20 points expiring SOON and 200 LATER; a project at 50 points a tree."""
    uow = FakeUnitOfWork()
    cid = citizen(uow, consent_at=NOW - timedelta(days=10))
    async with uow.transaction():
        await grant(uow, cid, 20, SOON, NOW)
        await grant(uow, cid, 200, LATER, NOW)
        project = await donations.create_project(
            uow,
            STAFF,
            name="Purple Mountain trees",
            description="",
            unit_name="tree",
            points_per_unit=50,
            now=NOW,
        )
    return uow, cid, project.id


async def donate_with_key(
    uow: FakeUnitOfWork, cid: str, project_id: str, units: int, key: str
) -> dict[str, Any]:
    """What the citizen endpoint does in its transaction: claim the key, donate, keep the
    answer; a replay answers what was stored."""
    owner = f"cit:{cid}"
    digest = idempotency.request_hash("donation", {"project_id": project_id, "units": units})
    async with uow.transaction():
        first = await idempotency.begin(uow, owner, key, digest, NOW)
        if first is not None:
            return first.response
        gift = await donations.donate(uow, cid, project_id, units, NOW)
        answer = {"donation_id": gift.id, "units": gift.units, "points": gift.points}
        await idempotency.finish(uow, owner, key, 201, answer)
        return answer


def balance(uow: FakeUnitOfWork, cid: str) -> int:
    return uow.ledger.balance(citizen_account_id(cid))


async def test_the_points_leave_the_oldest_lots_for_the_donation_sink() -> None:
    uow, cid, project_id = await world()
    gift = await donations.donate(uow, cid, project_id, 2, NOW)
    assert (gift.units, gift.points) == (2, 100)
    assert balance(uow, cid) == 120
    account = citizen_account_id(cid)
    assert uow.ledger.lots_by_key[(account, SOON)].remaining == 0
    assert uow.ledger.lots_by_key[(account, LATER)].remaining == 120
    posting = uow.ledger.chain(account)[-1]
    assert (posting.kind, posting.credit_account, posting.amount) == ("donate", "sys:donation", 100)
    assert uow.ledger.problems() == []


async def test_the_project_total_grows_with_each_gift() -> None:
    uow, cid, project_id = await world()
    await donations.donate(uow, cid, project_id, 1, NOW)
    await donations.donate(uow, cid, project_id, 2, NOW)
    [totals] = await donations.catalogue(uow, active_only=True)
    assert (totals.project.id, totals.donations, totals.units, totals.points) == (
        project_id,
        2,
        3,
        150,
    )


async def test_a_replayed_key_answers_the_first_gift_and_moves_points_once() -> None:
    uow, cid, project_id = await world()
    first = await donate_with_key(uow, cid, project_id, 2, "k-1")
    again = await donate_with_key(uow, cid, project_id, 2, "k-1")
    assert again == first
    assert balance(uow, cid) == 120
    assert len(uow.donations.rows) == 1


async def test_a_key_reused_for_another_gift_is_refused() -> None:
    uow, cid, project_id = await world()
    await donate_with_key(uow, cid, project_id, 2, "k-1")
    with pytest.raises(InvalidInput) as refused:
        await donate_with_key(uow, cid, project_id, 3, "k-1")
    assert refused.value.code == "idempotency_key_reused"
    assert balance(uow, cid) == 120


async def test_a_refused_gift_leaves_the_key_free_and_the_points_in_place() -> None:
    uow, cid, project_id = await world()
    with pytest.raises(InsufficientPoints):
        await donate_with_key(uow, cid, project_id, 5, "k-1")  # 250 > 220
    assert (balance(uow, cid), uow.donations.rows, uow.idempotency.rows) == (220, {}, {})
    async with uow.transaction():
        await grant(uow, cid, 30, LATER, NOW)
    answer = await donate_with_key(uow, cid, project_id, 5, "k-1")
    assert answer["points"] == 250
    assert balance(uow, cid) == 0


async def test_a_closed_project_takes_no_gifts() -> None:
    uow, cid, project_id = await world()
    await donations.set_active(uow, STAFF, project_id, False, NOW)
    with pytest.raises(Gone) as refused:
        await donations.donate(uow, cid, project_id, 1, NOW)
    assert refused.value.code == "project_closed"
    assert balance(uow, cid) == 220


async def test_units_must_be_positive() -> None:
    uow, cid, project_id = await world()
    with pytest.raises(InvalidInput):
        await donations.donate(uow, cid, project_id, 0, NOW)
    assert balance(uow, cid) == 220
