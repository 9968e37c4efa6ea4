"""Vouchers in memory: every status change is a condition on `status = 'issued'`, as in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from domain.persistence.tables import RedemptionConflict, SigningKey, Voucher
from tests.fakes.merchants import FakeMerchants, FakeOffers
from tests.fakes.state import Stored, violation


class VoucherRow(NamedTuple):
    """What the SQL repository's scan statements return of a voucher (a row, not the object)."""

    id: str
    offer_id: str
    merchant_id: str
    citizen_id: str
    points: int
    status: str
    expires_at: datetime
    redeemed_at: datetime | None
    store_id: str | None
    redemption_nonce: str | None


def _row(v: Voucher) -> VoucherRow:
    return VoucherRow(*(getattr(v, name) for name in VoucherRow._fields))


class FakeVouchers(Stored):
    tables = ("rows", "lots_of", "conflict_rows", "keys")

    def __init__(self, offers: FakeOffers, merchants: FakeMerchants) -> None:
        self.rows: dict[str, Voucher] = {}
        self.lots_of: dict[str, dict[datetime, int]] = {}
        self.conflict_rows: dict[str, RedemptionConflict] = {}
        self.keys: dict[str, SigningKey] = {}
        self._offers = offers
        self._merchants = merchants

    def add(self, voucher: Voucher) -> None:
        if voucher.id in self.rows:
            raise violation("PRIMARY KEY vouchers")
        if any(v.code == voucher.code for v in self.rows.values()):
            raise violation("UNIQUE vouchers.code")
        if voucher.offer_id not in self._offers.rows:
            raise violation("FOREIGN KEY vouchers.offer_id")
        self.rows[voucher.id] = voucher

    async def get(self, voucher_id: str) -> Voucher | None:
        return self.rows.get(voucher_id)

    async def fresh(self, voucher_id: str) -> Voucher | None:
        return self.rows.get(voucher_id)

    async def held(self, citizen_id: str, offer_id: str) -> int:
        return sum(
            1
            for v in self.rows.values()
            if v.citizen_id == citizen_id and v.offer_id == offer_id and v.status != "cancelled"
        )

    async def issued_of_citizen(self, citizen_id: str) -> list[str]:
        return sorted(
            v.id for v in self.rows.values() if v.citizen_id == citizen_id and v.status == "issued"
        )

    async def forget_codes_of_citizen(self, citizen_id: str) -> None:
        for v in self.rows.values():
            if v.citizen_id == citizen_id:
                v.code = v.token = None

    async def add_lots(self, voucher_id: str, taken: dict[datetime, int]) -> None:
        if voucher_id in self.lots_of:
            raise violation("PRIMARY KEY voucher_lots")
        self.lots_of[voucher_id] = dict(taken)

    async def lots(self, voucher_id: str) -> dict[datetime, int]:
        return dict(self.lots_of.get(voucher_id, {}))

    async def close(self, voucher_id: str, status: str, at: datetime, **where: Any) -> bool:
        """issued -> `status`, only where the voucher is issued (and matches `where`)."""
        v = self.rows.get(voucher_id)
        if v is None or v.status != "issued":
            return False
        if any(getattr(v, k) != value for k, value in where.items()):
            return False
        v.status = status
        if status == "cancelled":
            v.cancelled_at = at
        return True

    async def redeem(
        self,
        voucher_id: str,
        merchant_id: str,
        *,
        scanned_at: datetime,
        recorded_at: datetime,
        store_id: str | None,
        staff_id: str,
        nonce: str,
    ) -> tuple[bool, VoucherRow | None]:
        v = self.rows.get(voucher_id)
        if v is None:
            return False, None
        if v.merchant_id != merchant_id or v.status != "issued" or v.expires_at <= scanned_at:
            return False, _row(v)
        v.status, v.redeemed_at, v.recorded_at = "redeemed", scanned_at, recorded_at
        v.store_id, v.redeemed_by, v.redemption_nonce = store_id, staff_id, nonce
        return True, _row(v)

    async def state(self, voucher_id: str) -> VoucherRow | None:
        v = self.rows.get(voucher_id)
        return None if v is None else _row(v)

    async def id_by_code(self, code: str) -> str | None:
        return next((v.id for v in self.rows.values() if v.code == code), None)

    async def offer_title(self, offer_id: str) -> str | None:
        offer = self._offers.rows.get(offer_id)
        return None if offer is None else offer.title

    async def store_name(self, store_id: str) -> str | None:
        store = self._merchants.store_rows.get(store_id)
        return None if store is None else store.name

    async def due_to_expire(self, now: datetime, limit: int) -> list[Voucher]:
        due = [v for v in self.rows.values() if v.status == "issued" and v.expires_at <= now]
        return sorted(due, key=lambda v: (v.expires_at, v.id))[:limit]

    async def add_conflict(self, row: dict[str, Any]) -> None:
        """INSERT ... ON CONFLICT (merchant_id, nonce) DO NOTHING."""
        if any(
            (c.merchant_id, c.nonce) == (row["merchant_id"], row["nonce"])
            for c in self.conflict_rows.values()
        ):
            return
        self.conflict_rows[row["id"]] = RedemptionConflict(**row)

    async def conflict(self, conflict_id: str) -> RedemptionConflict | None:
        return self.conflict_rows.get(conflict_id)

    async def conflicts(
        self, *, status: str | None, after: str | None, limit: int
    ) -> list[RedemptionConflict]:
        rows = [
            c
            for c in self.conflict_rows.values()
            if (status is None or c.status == status) and (after is None or c.id > after)
        ]
        return sorted(rows, key=lambda c: c.id)[:limit]

    # -- signing keys ------------------------------------------------------------------------

    async def signing_keys(self) -> list[SigningKey]:
        live = [k for k in self.keys.values() if k.retired_at is None]
        return sorted(live, key=lambda k: k.created_at)

    async def add_signing_key(self, row: dict[str, Any]) -> bool:
        """INSERT ... ON CONFLICT (active_slot) DO NOTHING: one active key at most."""
        if row["active_slot"] is not None and any(
            k.active_slot == row["active_slot"] for k in self.keys.values()
        ):
            return False
        self.keys[row["key_id"]] = SigningKey(**row)
        return True

    async def deactivate_signing_key(self) -> None:
        for k in self.keys.values():
            if k.active_slot == "A":
                k.active_slot = None

    async def retire_signing_key(self, key_id: str, now: datetime) -> bool:
        k = self.keys.get(key_id)
        if k is None or k.active_slot is not None or k.retired_at is not None:
            return False
        k.retired_at = now
        return True
