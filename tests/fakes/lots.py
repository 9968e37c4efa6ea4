"""The ledger's points lots and per-day counters, in memory (a part of FakeLedger)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from domain.ledger.accounts import DayTotals
from domain.persistence.tables import CitizenDay, LedgerAccount, PointsLot
from tests.fakes.state import violation


class LotsAndDays:
    """Lots per (account, expiry) never go below zero; day counters are replaced whole."""

    accounts: dict[str, LedgerAccount]
    lots_by_key: dict[tuple[str, datetime], PointsLot]
    days_by_key: dict[tuple[str, date], CitizenDay]

    async def add_to_lots(self, amounts: dict[tuple[str, datetime], int]) -> None:
        self._upsert_lots(amounts, earned=True)

    async def restore_lots(self, amounts: dict[tuple[str, datetime], int]) -> None:
        self._upsert_lots(amounts, earned=False)

    def _upsert_lots(self, amounts: dict[tuple[str, datetime], int], *, earned: bool) -> None:
        for (account_id, expires_at), n in sorted(amounts.items()):
            if account_id not in self.accounts:
                raise violation("FOREIGN KEY points_lots.account_id")
            lot = self.lots_by_key.setdefault(
                (account_id, expires_at),
                PointsLot(account_id=account_id, expires_at=expires_at, earned=0, remaining=0),
            )
            lot.earned += n if earned else 0
            lot.remaining += n

    async def take_from_lots(self, account_id: str, amount: int) -> dict[datetime, int]:
        """Take up to `amount`, soonest-expiring lots first; what came from each lot, by
        expiry (less than `amount` if the lots hold less: the caller refuses and rolls back)."""
        left, taken = amount, {}
        for lot in self._lots_of(account_id):
            if left == 0:
                break
            used = min(lot.remaining, left)
            self._use_lot(account_id, lot.expires_at, used)
            taken[lot.expires_at] = used
            left -= used
        return taken

    def _use_lot(self, account_id: str, expires_at: datetime, used: int) -> None:
        lot = self.lots_by_key.get((account_id, expires_at))
        if lot is None:
            return  # UPDATE of no row
        if lot.remaining - used < 0:
            raise violation("CHECK remaining_not_negative")
        lot.remaining -= used

    def _lots_of(self, account_id: str) -> list[PointsLot]:
        return sorted(
            (
                lot
                for (a, _), lot in self.lots_by_key.items()
                if a == account_id and lot.remaining > 0
            ),
            key=lambda lot: lot.expires_at,
        )

    async def lots(self, account_id: str) -> list[PointsLot]:
        return self._lots_of(account_id)

    async def accounts_with_expired_lots(self, now: datetime, *, limit: int) -> list[str]:
        ids = {a for (a, e), lot in self.lots_by_key.items() if e <= now and lot.remaining > 0}
        return sorted(ids)[:limit]

    async def expired_lots(
        self, account_ids: Sequence[str], now: datetime
    ) -> list[tuple[str, datetime, int]]:
        return sorted(
            (a, e, lot.remaining)
            for (a, e), lot in self.lots_by_key.items()
            if a in account_ids and e <= now and lot.remaining > 0
        )

    async def empty_lots(self, keys: Sequence[tuple[str, datetime]]) -> None:
        for key in keys:
            if key in self.lots_by_key:
                self.lots_by_key[key].remaining = 0

    async def days(self, keys: Iterable[tuple[str, date]]) -> dict[tuple[str, date], DayTotals]:
        return {
            k: DayTotals(d.trips, d.points, d.reduction_g)
            for k in set(keys)
            if (d := self.days_by_key.get(k)) is not None
        }

    async def save_days(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            key = (row["citizen_id"], row["day"])
            self.days_by_key[key] = CitizenDay(**row)

    async def day(self, citizen_id: str, day: date) -> CitizenDay | None:
        return self.days_by_key.get((citizen_id, day))
