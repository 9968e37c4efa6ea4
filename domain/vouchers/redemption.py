"""Redeeming a voucher at a merchant's counter: exactly once, decided by one conditional UPDATE.

A scanner sends its own nonce with each request; a retry with the same nonce gets the first
answer again (the redeeming scan's nonce is stored on the voucher; refusals are final). A scan
checked offline and uploaded later carries its original `scanned_at`: it is accepted if the
voucher was still unredeemed, otherwise recorded as a conflict for staff.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NoReturn

import msgspec

from domain.clock import instant
from domain.errors import Conflict, Forbidden, Gone, InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.ids import new_id
from domain.persistence.tables import RedemptionConflict
from domain.persistence.uow import UnitOfWork
from domain.vouchers import codes
from domain.vouchers.keys import KeyRing
from domain.vouchers.names import Names
from domain.vouchers.purchase import VoucherNotFound

CLOCK_SKEW = timedelta(minutes=5)
OFFLINE_WINDOW = timedelta(days=7)


class Scan(msgspec.Struct, frozen=True, kw_only=True):
    nonce: str
    token: str | None = None
    code: str | None = None
    scanned_at: datetime | None = None  # set for scans verified offline and uploaded later
    store_id: str | None = None


class Cashier(msgspec.Struct, frozen=True):
    staff_id: str
    merchant_id: str
    store_id: str | None


class Redeemed(msgspec.Struct, frozen=True):
    voucher_id: str
    offer_id: str
    offer_title: str
    redeemed_at: datetime
    store_id: str | None
    store_name: str | None
    points: int


class AlreadyRedeemed(Conflict):
    """The voucher has already been redeemed."""

    code = "already_redeemed"


class NotYourVoucher(Forbidden):
    """The voucher belongs to another merchant."""

    code = "not_your_voucher"


class VoucherExpired(Gone):
    """The voucher has expired."""

    code = "expired"


class VoucherCancelled(Gone):
    """The voucher was cancelled."""

    code = "cancelled"


async def _voucher_id(uow: UnitOfWork, ring: KeyRing, scan: Scan, now: datetime) -> str:
    if (scan.token is None) == (scan.code is None):
        raise InvalidInput("send exactly one of token or code", code="token_or_code")
    if scan.token is not None:
        # Expiry is judged against the database and the scan time, not the token alone.
        return await ring.voucher_of(uow, scan.token, now)
    voucher_id = await uow.vouchers.id_by_code(codes.normalize_code(scan.code or ""))
    if voucher_id is None:
        raise VoucherNotFound("no voucher with that code")
    return voucher_id


def _scan_time(scan: Scan, now: datetime) -> datetime:
    if scan.scanned_at is None:
        return now
    scanned_at = instant(scan.scanned_at, "scanned_at", code="invalid_scanned_at")
    if scanned_at > now + CLOCK_SKEW or scanned_at < now - OFFLINE_WINDOW:
        raise InvalidInput("scanned_at must lie within the last 7 days", code="invalid_scanned_at")
    return min(scanned_at, now)


async def _store(uow: UnitOfWork, cashier: Cashier, scan: Scan) -> str | None:
    if cashier.store_id is not None:
        if scan.store_id not in (None, cashier.store_id):
            raise Forbidden("this account scans for its own store only", code="wrong_store")
        return cashier.store_id
    if scan.store_id is not None:
        store = await uow.merchants.store(scan.store_id)
        if store is None or store.merchant_id != cashier.merchant_id:
            raise NotFound("no such store at this merchant", code="store_not_found")
    return scan.store_id


def _refusal(voucher: Any, merchant_id: str) -> str:
    """Why a voucher the conditional UPDATE did not redeem cannot be redeemed."""
    if voucher.merchant_id != merchant_id:
        return "not_yours"
    if voucher.status == "redeemed":
        return "already_redeemed"
    if voucher.status == "cancelled":
        return "cancelled"
    return "expired"  # issued but past its expiry at the scan time, or already expired


async def _refuse(uow: UnitOfWork, names: Names, voucher: Any, reason: str) -> NoReturn:
    if reason == "already_redeemed":
        name = await names.store_name(uow, voucher.store_id)
        raise AlreadyRedeemed(
            "the voucher has already been redeemed",
            redeemed_at=voucher.redeemed_at,
            store={"store_id": voucher.store_id, "name": name} if voucher.store_id else None,
        )
    if reason == "not_yours":
        raise NotYourVoucher("the voucher belongs to another merchant")
    if reason == "cancelled":
        raise VoucherCancelled("the voucher was cancelled")
    raise VoucherExpired("the voucher has expired")


async def _redeemed(uow: UnitOfWork, names: Names, voucher_id: str, row: Any) -> Redeemed:
    return Redeemed(
        voucher_id=voucher_id,
        offer_id=row.offer_id,
        offer_title=await names.offer_title(uow, row.offer_id),
        redeemed_at=row.redeemed_at,
        store_id=row.store_id,
        store_name=await names.store_name(uow, row.store_id),
        points=row.points,
    )


async def redeem(
    uow: UnitOfWork, ring: KeyRing, names: Names, cashier: Cashier, scan: Scan, now: datetime
) -> Redeemed:
    """Redeem once: one conditional UPDATE decides; a refusal reads the voucher to say why.

    A retry with the nonce of the scan that redeemed the voucher gets that 200 again; a retry of
    a refused scan is refused again for the same (final) reason. An offline scan that is refused
    is recorded as a conflict (once per nonce), committed although the request answers 4xx.
    """
    if not scan.nonce.strip() or len(scan.nonce) > 64:
        raise InvalidInput("nonce: 1-64 characters", code="invalid_nonce")
    voucher_id = await _voucher_id(uow, ring, scan, now)
    scanned_at = _scan_time(scan, now)
    store_id = await _store(uow, cashier, scan)
    redeemed, voucher = await uow.vouchers.redeem(
        voucher_id,
        cashier.merchant_id,
        scanned_at=scanned_at,
        recorded_at=now,
        store_id=store_id,
        staff_id=cashier.staff_id,
        nonce=scan.nonce,
    )
    if redeemed:
        uow.emit(f"citizen:{voucher.citizen_id}", "voucher.redeemed", {"voucher_id": voucher_id})
        return await _redeemed(uow, names, voucher_id, voucher)
    if voucher is None:
        raise VoucherNotFound("no such voucher")
    if (
        voucher.status == "issued"
        and voucher.merchant_id == cashier.merchant_id
        and voucher.expires_at > scanned_at
    ):
        # The UPDATE waited for a concurrent scan and its snapshot predates that scan's commit.
        voucher = await uow.vouchers.state(voucher_id)
    if (
        voucher.status == "redeemed"
        and voucher.merchant_id == cashier.merchant_id
        and voucher.redemption_nonce == scan.nonce
    ):
        return await _redeemed(uow, names, voucher_id, voucher)  # a retry: the first answer
    reason = _refusal(voucher, cashier.merchant_id)
    if scan.scanned_at is None or reason == "not_yours":
        await _refuse(uow, names, voucher, reason)
    await uow.vouchers.add_conflict(
        {
            "id": new_id(),
            "voucher_id": voucher_id,
            "merchant_id": cashier.merchant_id,
            "store_id": store_id,
            "staff_id": cashier.staff_id,
            "nonce": scan.nonce,
            "scanned_at": scanned_at,
            "reason": reason,
            "status": "open",
            "resolution": None,
            "resolved_by": None,
            "resolved_at": None,
            "created_at": now,
        }
    )
    await uow.commit_stage()  # the conflict record stands although the scan is refused
    await _refuse(uow, names, voucher, reason)


async def resolve_conflict(
    uow: UnitOfWork, actor: Actor, conflict_id: str, resolution: str, now: datetime
) -> RedemptionConflict:
    conflict = await uow.vouchers.conflict(conflict_id)
    if conflict is None:
        raise NotFound("no such conflict")
    if conflict.status != "open":
        raise Conflict("the conflict is already resolved", code="already_resolved")
    if not resolution.strip():
        raise InvalidInput("resolution must not be blank", code="invalid_resolution")
    conflict.status = "resolved"
    conflict.resolution = resolution.strip()
    conflict.resolved_by = actor.id
    conflict.resolved_at = now
    record(
        uow,
        actor,
        "redemption_conflict.resolve",
        "redemption_conflict",
        conflict.id,
        {"status": "open"},
        {"status": "resolved", "resolution": conflict.resolution},
        now,
    )
    return conflict
