"""One commit per unit of work: kept on success, gone on failure; stages commit what came before,
and each stage's events are published once it has committed."""

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


async def test_a_committed_stage_stays_when_a_later_stage_fails(db: Database) -> None:
    kept, lost = _merchant("stage one"), _merchant("stage two")
    kept_id, lost_id = kept.id, lost.id  # the rollback expires the instances
    with pytest.raises(Conflict):
        async with db.unit_of_work() as uow:
            uow.merchants.add(kept)
            await uow.commit_stage()
            uow.merchants.add(lost)
            await uow.flush()
            raise Conflict("refused, but the first stage stays")
    async with db.unit_of_work() as uow:
        assert await uow.merchants.get(kept_id) is not None
        assert await uow.merchants.get(lost_id) is None


async def test_events_are_published_after_each_commit_and_never_after_a_rollback(
    db: Database,
) -> None:
    published: list[list[str]] = []

    async def publish(events) -> None:
        published.append([e.name for e in events])

    staged = Database(db.engine, publish=publish)
    with pytest.raises(Conflict):
        async with staged.unit_of_work() as uow:
            uow.emit("c", "first", {})
            assert published == []  # nothing before its commit
            await uow.commit_stage()
            assert published == [["first"]]
            uow.emit("c", "second", {})
            raise Conflict("rolled back")
    async with staged.unit_of_work() as uow:
        uow.emit("c", "third", {})
    assert published == [["first"], ["third"]]


async def test_timestamps_come_back_timezone_aware(db: Database) -> None:
    m = _merchant("tz")
    async with db.unit_of_work() as uow:
        uow.merchants.add(m)
    async with db.unit_of_work() as uow:
        stored = await uow.merchants.get(m.id)
    assert stored.created_at.tzinfo is not None
    assert stored.created_at == m.created_at.replace(microsecond=stored.created_at.microsecond)
