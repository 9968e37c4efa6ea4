"""Ending sessions over the fake unit of work: the database state decides whether a session
stands, and the serving process is told (after commit) which sessions to forget."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.governance.audit import Actor
from domain.identity import refresh_tokens, revocation, staff
from domain.identity.principal import Principal, Role
from domain.identity.refresh_tokens import RefreshTokenReused
from domain.persistence.tables import Staff
from tests.fakes import FakeUnitOfWork
from tests.fakes.builders import citizen

NOW = datetime(2026, 3, 1, 8, tzinfo=UTC)
ADMIN = Actor(id="admin-1", role="admin")


async def _session(uow: FakeUnitOfWork, kind: str, subject_id: str) -> Principal:
    family = await refresh_tokens.start_family(uow, kind, subject_id, NOW)
    return Principal(kind=kind, id=subject_id, family_id=family.id)


def _cashier(uow: FakeUnitOfWork) -> str:
    uow.staff.add(
        Staff(
            id="staff-till-1",
            username="till-1",
            password_hash="-",
            role=Role.MERCHANT.value,
            merchant_id="m-1",
            active=True,
            created_at=NOW,
        )
    )
    return "staff-till-1"


async def test_a_session_stands_for_its_own_active_subject_only() -> None:
    uow = FakeUnitOfWork()
    alice = citizen(uow, consent_at=None)
    session = await _session(uow, "citizen", alice)
    assert await revocation.stands(uow, session)
    assert not await revocation.stands(uow, Principal("citizen", "someone-else", session.family_id))
    assert not await revocation.stands(uow, Principal("citizen", alice, "no-such-family"))
    # an erased citizen's session does not stand, even if nothing revoked it
    uow.citizens.rows[alice].status = "erased"
    assert not await revocation.stands(uow, session)


async def test_disabling_a_cashier_ends_every_session_and_tells_the_process() -> None:
    uow = FakeUnitOfWork()
    till = _cashier(uow)
    counter, phone = await _session(uow, "staff", till), await _session(uow, "staff", till)
    async with uow.transaction():
        await staff.set_active(uow, ADMIN, till, False, NOW)
        assert uow.published == []  # nothing is told before the commit
    assert not await revocation.stands(uow, counter)
    assert not await revocation.stands(uow, phone)
    assert uow.published_named(revocation.ENDED) == [{"subject_id": till}]
    # enabling the account again does not bring the old sessions back
    async with uow.transaction():
        await staff.set_active(uow, ADMIN, till, True, NOW)
    assert not await revocation.stands(uow, counter)


async def test_a_revocation_that_rolls_back_ends_nothing() -> None:
    uow = FakeUnitOfWork()
    async with uow.transaction():
        till = _cashier(uow)
        counter = await _session(uow, "staff", till)
    with pytest.raises(RuntimeError):
        async with uow.transaction():
            await staff.set_active(uow, ADMIN, till, False, NOW)
            raise RuntimeError("the request failed later")
    assert await revocation.stands(uow, counter)
    assert uow.published_named(revocation.ENDED) == []


async def test_a_reused_refresh_token_ends_its_session_at_once() -> None:
    uow = FakeUnitOfWork()
    alice = citizen(uow, consent_at=None)
    session = await _session(uow, "citizen", alice)
    token = refresh_tokens.mint(uow, session.family_id, NOW, NOW.replace(year=2027))
    await refresh_tokens.spend(uow, token, NOW)
    with pytest.raises(RefreshTokenReused):
        await refresh_tokens.spend(uow, token, NOW)
    # committed as a stage although the request fails, and the process was told
    assert not await revocation.stands(uow, session)
    assert uow.published_named(revocation.ENDED) == [{"family_id": session.family_id}]
