"""The prune job forgets exactly the nonces whose requests can no longer pass the window."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from domain.clock import utcnow
from domain.operators import nonces
from domain.persistence.tables import OperatorNonce
from jobs import prune_nonces


async def _stored(db) -> set[str]:
    async with db.unit_of_work() as uow:
        rows = await uow.session.execute(select(OperatorNonce.nonce))
        return set(rows.scalars())


async def test_prune_keeps_nonces_inside_the_window(db) -> None:
    now = utcnow()
    sent = int(now.timestamp())
    async with db.unit_of_work() as uow:
        await nonces.accept(uow, "key-1", "old", sent - 400)  # left the window (plus margin)
        await nonces.accept(uow, "key-1", "recent", sent - 200)
        await nonces.accept(uow, "key-1", "now", sent)
    assert await prune_nonces.run(db, now) == 1
    assert await _stored(db) == {"recent", "now"}
    # once their timestamps are 300 s and the clock margin behind, they go too
    assert await prune_nonces.run(db, now + nonces.KEEP + timedelta(seconds=1)) == 2
    assert await _stored(db) == set()
