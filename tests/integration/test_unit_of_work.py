"""One commit per unit of work: kept on success, gone on failure, kept when the error says so."""

from __future__ import annotations

import pytest

from domain.clock import utcnow
from domain.errors import Conflict
from domain.ids import new_id
from domain.persistence.tables import Merchant
from domain.persistence.uow import Database


def _merchant(name: str) -> Merchant:
    return Merchant(id=new_id(), name=name, status="approved", created_at=utcnow())


async def test_commits_when_the_block_returns(db: Database) -> None:
    async with db.unit_of_work() as uow:
        m = _merchant("kept")
        uow.merchants.add(m)
    async with db.unit_of_work() as uow:
        assert (await uow.merchants.get(m.id)).name == "kept"


async def test_rolls_back_when_the_block_raises(db: Database) -> None:
    m = _merchant("lost")
    with pytest.raises(Conflict):
        async with db.unit_of_work() as uow:
            uow.merchants.add(m)
            await uow.flush()
            raise Conflict("no")
    async with db.unit_of_work() as uow:
        assert await uow.merchants.get(m.id) is None


async def test_errors_marked_keep_changes_still_commit(db: Database) -> None:
    class Recorded(Conflict):
        keep_changes = True

    m = _merchant("recorded")
    with pytest.raises(Recorded):
        async with db.unit_of_work() as uow:
            uow.merchants.add(m)
            await uow.flush()
            raise Recorded("refused, but the record stays")
    async with db.unit_of_work() as uow:
        assert await uow.merchants.get(m.id) is not None


async def test_timestamps_come_back_timezone_aware(db: Database) -> None:
    m = _merchant("tz")
    async with db.unit_of_work() as uow:
        uow.merchants.add(m)
    async with db.unit_of_work() as uow:
        stored = await uow.merchants.get(m.id)
    assert stored.created_at.tzinfo is not None
    assert stored.created_at == m.created_at.replace(microsecond=stored.created_at.microsecond)
