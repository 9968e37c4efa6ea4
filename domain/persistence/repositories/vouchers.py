from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.dialect import insert_one
from domain.persistence.tables import (
    Offer,
    RedemptionConflict,
    SigningKey,
    Store,
    Voucher,
    VoucherLot,
)

VOUCHERS = Voucher.__table__


class VoucherRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, voucher: Voucher) -> None:
        self.session.add(voucher)

    async def get(self, voucher_id: str) -> Voucher | None:
        return await self.session.get(Voucher, voucher_id)

    async def of_citizen(self, citizen_id: str, *, before: str | None, limit: int) -> list[Voucher]:
        stmt = (
            select(Voucher)
            .where(Voucher.citizen_id == citizen_id)
            .order_by(Voucher.id.desc())
            .limit(limit)
        )
        if before:
            stmt = stmt.where(Voucher.id < before)
        return list((await self.session.execute(stmt)).scalars())

    async def held(self, citizen_id: str, offer_id: str) -> int:
        """Vouchers of the offer the citizen holds or used (cancelled ones do not count)."""
        stmt = select(func.count()).where(
            Voucher.citizen_id == citizen_id,
            Voucher.offer_id == offer_id,
            Voucher.status != "cancelled",
        )
        return int((await self.session.execute(stmt)).scalar_one())

    async def add_lots(self, voucher_id: str, taken: dict[datetime, int]) -> None:
        self.session.add_all(
            VoucherLot(voucher_id=voucher_id, expires_at=e, points=n) for e, n in taken.items()
        )

    async def lots(self, voucher_id: str) -> dict[datetime, int]:
        stmt = select(VoucherLot.expires_at, VoucherLot.points).where(
            VoucherLot.voucher_id == voucher_id
        )
        return {e: int(n) for e, n in await self.session.execute(stmt)}

    async def close(self, voucher_id: str, status: str, at: datetime, **where: Any) -> bool:
        """issued -> `status` (expired | cancelled), one conditional UPDATE; False if not issued."""
        conditions = [Voucher.id == voucher_id, Voucher.status == "issued"]
        conditions += [getattr(Voucher, k) == v for k, v in where.items()]
        values: dict[str, Any] = {"status": status}
        if status == "cancelled":
            values["cancelled_at"] = at
        stmt = (
            update(Voucher)
            .where(*conditions)
            .values(**values)
            .returning(Voucher.id)
            .execution_options(synchronize_session=False)
        )
        return (await self.session.execute(stmt)).first() is not None

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
    ) -> Row | None:
        """The one statement that decides a redemption: issued, ours, unexpired when scanned.

        Returns (offer_id, citizen_id, points, redeemed_at, store_id) if it redeemed, else None.
        """
        stmt = (
            update(VOUCHERS)
            .where(
                VOUCHERS.c.id == voucher_id,
                VOUCHERS.c.merchant_id == merchant_id,
                VOUCHERS.c.status == "issued",
                VOUCHERS.c.expires_at > scanned_at,
            )
            .values(
                status="redeemed",
                redeemed_at=scanned_at,
                recorded_at=recorded_at,
                store_id=store_id,
                redeemed_by=staff_id,
                redemption_nonce=nonce,
            )
            .returning(
                VOUCHERS.c.offer_id,
                VOUCHERS.c.citizen_id,
                VOUCHERS.c.points,
                VOUCHERS.c.redeemed_at,
                VOUCHERS.c.store_id,
            )
        )
        return (await self.session.execute(stmt)).first()

    async def state(self, voucher_id: str) -> Row | None:
        """A voucher's row as it is now (a new statement: sees what others committed)."""
        stmt = select(VOUCHERS).where(VOUCHERS.c.id == voucher_id)
        return (await self.session.execute(stmt)).first()

    async def id_by_code(self, code: str) -> str | None:
        stmt = select(VOUCHERS.c.id).where(VOUCHERS.c.code == code)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def offer_title(self, offer_id: str) -> str | None:
        stmt = select(Offer.title).where(Offer.id == offer_id)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def store_name(self, store_id: str) -> str | None:
        stmt = select(Store.name).where(Store.id == store_id)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def fresh(self, voucher_id: str) -> Voucher | None:
        """Re-read a voucher from the database (after a conditional UPDATE changed it)."""
        stmt = (
            select(Voucher)
            .where(Voucher.id == voucher_id)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def due_to_expire(self, now: datetime, limit: int) -> list[Voucher]:
        stmt = (
            select(Voucher)
            .where(Voucher.status == "issued", Voucher.expires_at <= now)
            .order_by(Voucher.expires_at, Voucher.id)
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())

    # -- scanners' requests and offline conflicts ---------------------------------------------

    async def add_conflict(self, row: dict[str, Any]) -> None:
        """Record an offline scan that came too late (once per merchant and nonce)."""
        await insert_one(
            self.session, RedemptionConflict.__table__, row, conflict_on=["merchant_id", "nonce"]
        )

    async def conflict(self, conflict_id: str) -> RedemptionConflict | None:
        return await self.session.get(RedemptionConflict, conflict_id)

    async def conflicts(
        self, *, status: str | None, after: str | None, limit: int
    ) -> list[RedemptionConflict]:
        stmt = select(RedemptionConflict).order_by(RedemptionConflict.id).limit(limit)
        if status:
            stmt = stmt.where(RedemptionConflict.status == status)
        if after:
            stmt = stmt.where(RedemptionConflict.id > after)
        return list((await self.session.execute(stmt)).scalars())

    # -- merchant views ----------------------------------------------------------------------

    async def redemptions(
        self,
        merchant_id: str,
        *,
        before: tuple[datetime, str] | None,
        limit: int,
        since: datetime | None = None,
    ) -> list[tuple[Voucher, str, str | None]]:
        """Redeemed vouchers of a merchant, newest first, with the offer title and store name."""
        stmt = (
            select(Voucher, Offer.title, Store.name)
            .join(Offer, Offer.id == Voucher.offer_id)
            .outerjoin(Store, Store.id == Voucher.store_id)
            .where(Voucher.merchant_id == merchant_id, Voucher.redeemed_at.is_not(None))
            .order_by(Voucher.redeemed_at.desc(), Voucher.id.desc())
            .limit(limit)
        )
        if since is not None:
            stmt = stmt.where(Voucher.redeemed_at >= since)
        if before is not None:
            at, vid = before
            stmt = stmt.where(
                (Voucher.redeemed_at < at) | and_(Voucher.redeemed_at == at, Voucher.id < vid)
            )
        return [(v, t, s) for v, t, s in await self.session.execute(stmt)]

    async def redeemed_between(
        self, merchant_id: str, start: datetime, end: datetime
    ) -> list[tuple[str, str, datetime, int]]:
        """(offer_id, title, redeemed_at, points) of the merchant's redemptions in [start, end)."""
        stmt = (
            select(Voucher.offer_id, Offer.title, Voucher.redeemed_at, Voucher.points)
            .join(Offer, Offer.id == Voucher.offer_id)
            .where(
                Voucher.merchant_id == merchant_id,
                Voucher.redeemed_at >= start,
                Voucher.redeemed_at < end,
            )
        )
        return [(o, t, r, int(p)) for o, t, r, p in await self.session.execute(stmt)]

    async def revoked(
        self, merchant_id: str, now: datetime, *, after: str | None, limit: int
    ) -> list[Voucher]:
        """Cancelled vouchers whose tokens would otherwise still be within their validity."""
        stmt = (
            select(Voucher)
            .where(
                Voucher.merchant_id == merchant_id,
                Voucher.status == "cancelled",
                Voucher.expires_at > now,
            )
            .order_by(Voucher.id)
            .limit(limit)
        )
        if after:
            stmt = stmt.where(Voucher.id > after)
        return list((await self.session.execute(stmt)).scalars())

    # -- signing keys ------------------------------------------------------------------------

    async def signing_keys(self) -> list[SigningKey]:
        stmt = (
            select(SigningKey)
            .where(SigningKey.retired_at.is_(None))
            .order_by(SigningKey.created_at)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def add_signing_key(self, row: dict[str, Any]) -> bool:
        """Insert a key; False if it would be a second active key (another process won)."""
        return await insert_one(
            self.session, SigningKey.__table__, row, conflict_on=["active_slot"]
        )

    async def deactivate_signing_key(self) -> None:
        await self.session.execute(
            update(SigningKey)
            .where(SigningKey.active_slot == "A")
            .values(active_slot=None)
            .execution_options(synchronize_session=False)
        )

    async def retire_signing_key(self, key_id: str, now: datetime) -> bool:
        stmt = (
            update(SigningKey)
            .where(
                SigningKey.key_id == key_id,
                SigningKey.active_slot.is_(None),
                SigningKey.retired_at.is_(None),
            )
            .values(retired_at=now)
            .returning(SigningKey.key_id)
            .execution_options(synchronize_session=False)
        )
        return (await self.session.execute(stmt)).first() is not None
