"""Buying a voucher with points, cancelling it, and refunding it when it expires unredeemed.

Lock order, the same everywhere: voucher row, then citizen account, then offer row.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.errors import Conflict, Gone, NotFound
from domain.identity import citizens
from domain.ids import new_id
from domain.ledger.postings import InsufficientPoints, credit, debit, locked_citizen_account
from domain.merchants import offers
from domain.persistence.tables import Voucher
from domain.persistence.uow import UnitOfWork
from domain.vouchers import codes, tokens
from domain.vouchers.keys import KeyRing

REDEMPTION = "sys:redemption"


class OutOfStock(Conflict):
    """The offer has no stock left."""

    code = "out_of_stock"


class LimitReached(Conflict):
    """The citizen already holds as many vouchers of this offer as it allows."""

    code = "limit_reached"


class VoucherNotFound(NotFound):
    """No such voucher (or it is not yours)."""

    code = "voucher_not_found"


async def buy(
    uow: UnitOfWork, ring: KeyRing, citizen_id: str, offer_id: str, now: datetime
) -> Voucher:
    """One transaction: the points leave the oldest lots, the stock drops, the voucher exists."""
    await citizens.active(uow, citizen_id)
    offer = await offers.live(uow, offer_id, now)
    account = await locked_citizen_account(uow, citizen_id, now)  # serializes this citizen
    if await uow.vouchers.held(citizen_id, offer.id) >= offer.per_citizen_limit:
        raise LimitReached(f"at most {offer.per_citizen_limit} per citizen")
    if account.balance < offer.points_price:
        raise InsufficientPoints(f"balance {account.balance}, price {offer.points_price}")
    voucher_id = new_id()
    taken: dict[datetime, int] = {}
    await debit(
        uow,
        account,
        amount=offer.points_price,
        kind="redeem",
        counter_account=REDEMPTION,
        key=f"voucher:{voucher_id}",
        ref=voucher_id,
        now=now,
        taken=taken,
    )
    expires_at = now + timedelta(days=offer.voucher_days)
    key_id, private = await ring.signer(uow, now)
    voucher = Voucher(
        id=voucher_id,
        offer_id=offer.id,
        merchant_id=offer.merchant_id,
        citizen_id=citizen_id,
        code=codes.new_code(),
        token=tokens.sign_token(
            private,
            key_id=key_id,
            voucher_id=voucher_id,
            merchant_id=offer.merchant_id,
            expires_at=expires_at,
        ),
        points=offer.points_price,
        status="issued",
        expires_at=expires_at,
        created_at=now,
    )
    uow.vouchers.add(voucher)
    await uow.vouchers.add_lots(voucher_id, taken)
    # Last, so the offer's row (every buyer's hot spot) stays locked for as short as possible.
    if await uow.offers.take_one(offer.id) is None:
        raise OutOfStock(f"offer {offer.id} is sold out")
    return voucher


async def own(uow: UnitOfWork, citizen_id: str, voucher_id: str) -> Voucher:
    """The citizen's voucher; one whose token erasure dropped is no longer anyone's."""
    voucher = await uow.vouchers.get(voucher_id)
    if voucher is None or voucher.citizen_id != citizen_id or voucher.token is None:
        raise VoucherNotFound(f"no voucher {voucher_id}")
    return voucher


async def _refund(uow: UnitOfWork, voucher: Voucher, kind_key: str, now: datetime) -> None:
    """Points back to the lots they came from, as a new `refund` posting."""
    account = await locked_citizen_account(uow, voucher.citizen_id, now)
    await credit(
        uow,
        account,
        lots=await uow.vouchers.lots(voucher.id),
        kind="refund",
        counter_account=REDEMPTION,
        key=f"{kind_key}:{voucher.id}",
        ref=voucher.id,
        now=now,
    )


async def cancel(uow: UnitOfWork, citizen_id: str, voucher_id: str, now: datetime) -> Voucher:
    """Cancel an unredeemed voucher: its points come back and the stock returns to the offer."""
    voucher = await own(uow, citizen_id, voucher_id)
    if not await uow.vouchers.close(voucher.id, "cancelled", now, citizen_id=citizen_id):
        voucher = await uow.vouchers.fresh(voucher.id)
        if voucher.status == "redeemed":
            raise Conflict("the voucher has been redeemed", code="already_redeemed")
        raise Gone(f"the voucher is already {voucher.status}", code=voucher.status)
    await _refund(uow, voucher, "cancel", now)
    await uow.offers.put_back_one(voucher.offer_id)
    return await uow.vouchers.fresh(voucher.id)


async def expire_due(uow: UnitOfWork, now: datetime, *, batch: int = 200) -> int:
    """Expire unredeemed vouchers past their date and refund them, `batch` per stage (a job;
    once across processes: a database job lock, taken again in each stage)."""
    done = 0
    while True:
        if not await uow.jobs.try_lock("voucher-expiry"):
            return done
        due = await uow.vouchers.due_to_expire(now, batch)
        for voucher in due:
            if await uow.vouchers.close(voucher.id, "expired", now):
                await _refund(uow, voucher, "expire", now)
                done += 1
        if len(due) < batch:
            return done
        await uow.commit_stage()
