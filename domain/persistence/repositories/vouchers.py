from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, bindparam, exists, func, literal, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.bulk import is_pg
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
# what a scan needs to know of a voucher
_STATE = [
    VOUCHERS.c[name]
    for name in (
        "id",
        "offer_id",
        "merchant_id",
        "citizen_id",
        "points",
        "status",
        "expires_at",
        "redeemed_at",
        "store_id",
        "redemption_nonce",
    )
]

# The scan's statements are built once (building a CTE per request costs more than running it).
_REDEEM = (
    update(VOUCHERS)
    .where(
        VOUCHERS.c.id == bindparam("v_id"),
        VOUCHERS.c.merchant_id == bindparam("v_merchant"),
        VOUCHERS.c.status == "issued",
        VOUCHERS.c.expires_at > bindparam("v_scanned", type_=VOUCHERS.c.expires_at.type),
    )
    .values(
        status="redeemed",
        redeemed_at=bindparam("v_scanned", type_=VOUCHERS.c.redeemed_at.type),
        recorded_at=bindparam("v_recorded", type_=VOUCHERS.c.recorded_at.type),
        store_id=bindparam("v_store"),
        redeemed_by=bindparam("v_staff"),
        redemption_nonce=bindparam("v_nonce"),
    )
)
_REDEEM_RETURNING = _REDEEM.returning(*_STATE)
_DONE = _REDEEM_RETURNING.cte("done")
_REDEEM_OR_READ = union_all(
    select(literal(True).label("redeemed"), *_DONE.c),
    select(literal(False).label("redeemed"), *_STATE).where(
        VOUCHERS.c.id == bindparam("v_id"), ~exists(select(_DONE.c.id))
    ),
)
_STATE_BY_ID = select(*_STATE).where(VOUCHERS.c.id == bindparam("v_id"))


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

    async def issued_of_citizen(self, citizen_id: str) -> list[str]:
        """Ids of the citizen's vouchers still `issued` (unredeemed, not closed)."""
        stmt = (
            select(Voucher.id)
            .where(Voucher.citizen_id == citizen_id, Voucher.status == "issued")
            .order_by(Voucher.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def forget_codes_of_citizen(self, citizen_id: str) -> None:
        """Drop the code and token of every voucher of the citizen (erasure)."""
        await self.session.execute(
            update(Voucher)
            .where(Voucher.citizen_id == citizen_id)
            .values(code=None, token=None)
            .execution_options(synchronize_session="fetch")
        )

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
    ) -> tuple[bool, Row | None]:
        """The one statement that decides a redemption: issued, ours, unexpired when scanned.

        Returns (True, the voucher as redeemed) or (False, the voucher as it was, or None). On
        PostgreSQL the refusal's read rides in the same statement (a data-modifying CTE); its
        row is the statement's snapshot, so a caller that finds the voucher still redeemable
        there must read it again (a concurrent redemption committed while the UPDATE waited).
        """
        params = {
            "v_id": voucher_id,
            "v_merchant": merchant_id,
            "v_scanned": scanned_at,
            "v_recorded": recorded_at,
            "v_store": store_id,
            "v_staff": staff_id,
            "v_nonce": nonce,
        }
        if not is_pg(self.session):
            row = (await self.session.execute(_REDEEM_RETURNING, params)).first()
            return (True, row) if row is not None else (False, await self.state(voucher_id))
        row = (await self.session.execute(_REDEEM_OR_READ, params)).first()
        return (False, None) if row is None else (bool(row.redeemed), row)

    async def state(self, voucher_id: str) -> Row | None:
        """A voucher's row as it is now (a new statement: sees what others committed)."""
        return (await self.session.execute(_STATE_BY_ID, {"v_id": voucher_id})).first()

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
