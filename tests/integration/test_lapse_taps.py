"""Waiting raw taps of accounts that never come back are forgotten after two days, not before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.crypto import DataProtector
from domain.trips.held_taps import KEEP
from jobs import lapse_taps
from tests.helpers import make_operator


def _tap(operator_id: str, account: str, at: datetime) -> dict:
    return {
        "operator_id": operator_id,
        "account_hash": account,
        "tapped_at": at,
        "direction": "in",
        "station": "NJM101",
        "device": None,
        "neighbour_at": None,
    }


async def test_taps_older_than_two_days_are_forgotten_and_younger_ones_kept(db, settings):
    op, _, _ = await make_operator(db, DataProtector(settings.data_key), "metro")
    now = datetime.now(UTC)
    async with db.unit_of_work() as uow:
        await uow.trips.replace_open_taps(
            op,
            ["old", "young"],
            [
                _tap(op, "old", now - KEEP - timedelta(minutes=1)),
                _tap(op, "young", now - KEEP + timedelta(minutes=1)),
            ],
        )
    assert await lapse_taps.run(db, now) == 1
    async with db.unit_of_work() as uow:
        left = await uow.trips.open_taps(op, ["old", "young"])
    assert [t.account_hash for t in left] == ["young"]
    assert await lapse_taps.run(db, now) == 0
