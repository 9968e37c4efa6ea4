"""Manual points adjustments, four eyes, over the fake unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import Conflict, InvalidInput, NotFound
from domain.governance.audit import Actor
from domain.ledger.accounts import citizen_account_id
from domain.ledger.postings import InsufficientPoints
from domain.points.adjustments import decide, propose
from domain.points.expiry import expiry_for
from tests.fakes import FakeUnitOfWork
from tests.fakes.builders import citizen, grant

NOW = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
MAKER = Actor(id="staff-maker", role="operations")
CHECKER = Actor(id="staff-checker", role="admin")
SOON = datetime(2026, 6, 30, 16, 0, tzinfo=UTC)
LATER = datetime(2027, 6, 30, 16, 0, tzinfo=UTC)


async def world() -> tuple[FakeUnitOfWork, str]:
    """A citizen holding 30 points expiring SOON and 70 expiring LATER, committed."""
    uow = FakeUnitOfWork()
    cid = citizen(uow, consent_at=NOW - timedelta(days=10))
    async with uow.transaction():
        await grant(uow, cid, 30, SOON, NOW)
        await grant(uow, cid, 70, LATER, NOW)
    return uow, cid


def balance(uow: FakeUnitOfWork, cid: str) -> int:
    return uow.ledger.balance(citizen_account_id(cid))


async def test_the_proposer_may_not_approve() -> None:
    uow, cid = await world()
    proposed = await propose(uow, MAKER, cid, 50, "missed trip", NOW)
    with pytest.raises(Conflict) as refused:
        await decide(uow, MAKER, proposed.id, True, NOW)
    assert refused.value.code == "four_eyes"
    assert (proposed.status, balance(uow, cid)) == ("proposed", 100)


async def test_an_approved_credit_lands_in_a_lot_expiring_as_if_earned_now() -> None:
    uow, cid = await world()
    proposed = await propose(uow, MAKER, cid, 50, "missed trip", NOW)
    at = NOW + timedelta(hours=2)
    done = await decide(uow, CHECKER, proposed.id, True, at)
    assert (done.status, done.decided_by, done.decided_at) == ("approved", CHECKER.id, at)
    assert balance(uow, cid) == 150
    lot = uow.ledger.lots_by_key[(citizen_account_id(cid), expiry_for(at))]
    assert lot.remaining == 50
    [posting] = [p for p in uow.ledger.postings if p.id == done.posting_id]
    assert (posting.kind, posting.debit_account, posting.amount) == ("adjust", "sys:adjustment", 50)
    assert posting.idempotency_key == f"adjustment:{done.id}"
    assert uow.audit.actions() == ["adjustment.propose", "adjustment.approve"]
    assert uow.ledger.problems() == []


async def test_an_approved_debit_takes_the_oldest_lots_first() -> None:
    uow, cid = await world()
    proposed = await propose(uow, MAKER, cid, -40, "double credit", NOW)
    await decide(uow, CHECKER, proposed.id, True, NOW)
    assert balance(uow, cid) == 60
    account = citizen_account_id(cid)
    assert uow.ledger.lots_by_key[(account, SOON)].remaining == 0
    assert uow.ledger.lots_by_key[(account, LATER)].remaining == 60
    assert uow.ledger.problems() == []


async def test_a_debit_beyond_the_balance_fails_the_approval_and_changes_nothing() -> None:
    uow, cid = await world()
    async with uow.transaction():
        proposed = await propose(uow, MAKER, cid, -101, "fraud", NOW)
    with pytest.raises(InsufficientPoints):
        async with uow.transaction():
            await decide(uow, CHECKER, proposed.id, True, NOW)
    assert balance(uow, cid) == 100
    assert (await uow.adjustments.get(proposed.id)).status == "proposed"
    assert uow.audit.actions() == ["adjustment.propose"]


async def test_a_rejection_moves_no_points_and_a_decision_is_final() -> None:
    uow, cid = await world()
    proposed = await propose(uow, MAKER, cid, 20, "goodwill", NOW)
    done = await decide(uow, CHECKER, proposed.id, False, NOW)
    assert (done.status, done.posting_id, balance(uow, cid)) == ("rejected", None, 100)
    with pytest.raises(Conflict) as refused:
        await decide(uow, Actor(id="third", role="admin"), proposed.id, True, NOW)
    assert refused.value.code == "already_decided"


async def test_proposals_need_points_a_reason_and_a_citizen() -> None:
    uow, cid = await world()
    with pytest.raises(InvalidInput):
        await propose(uow, MAKER, cid, 0, "nothing", NOW)
    with pytest.raises(InvalidInput):
        await propose(uow, MAKER, cid, 5, "  ", NOW)
    with pytest.raises(NotFound):
        await propose(uow, MAKER, "no-such-citizen", 5, "why", NOW)
    assert uow.adjustments.rows == {}
