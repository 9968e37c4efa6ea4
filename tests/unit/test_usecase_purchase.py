"""Buying, cancelling and expiring vouchers over the fake unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import Conflict, Gone
from domain.ledger.accounts import citizen_account_id
from domain.ledger.postings import InsufficientPoints
from domain.vouchers import codes, tokens
from domain.vouchers.purchase import (
    LimitReached,
    OutOfStock,
    VoucherNotFound,
    buy,
    cancel,
    expire_due,
)
from tests.fakes import FakeUnitOfWork
from tests.fakes.builders import citizen, grant, key_ring, merchant, offer

NOW = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
SOON = datetime(2026, 6, 30, 15, 59, 59, tzinfo=UTC)  # the older lot
LATER = datetime(2027, 12, 31, 15, 59, 59, tzinfo=UTC)


async def world(*, price: int = 100, stock: int = 10, limit: int = 5, days: int = 30):
    """A citizen holding 60 points expiring SOON and 100 expiring LATER, and a live offer."""
    uow = FakeUnitOfWork()
    ring = await key_ring(uow, NOW)
    cid = citizen(uow, consent_at=NOW - timedelta(days=60))
    store = merchant(uow, NOW)
    sale = offer(
        uow, store.merchant_id, NOW, price=price, stock=stock, limit=limit, voucher_days=days
    )
    async with uow.transaction():
        await grant(uow, cid, 100, LATER, NOW - timedelta(days=2))
        await grant(uow, cid, 60, SOON, NOW - timedelta(days=1))
    return uow, ring, cid, sale


def remaining(uow: FakeUnitOfWork, cid: str) -> dict[datetime, int]:
    account = citizen_account_id(cid)
    return {e: lot.remaining for (a, e), lot in uow.ledger.lots_by_key.items() if a == account}


async def test_points_leave_the_oldest_lots_first() -> None:
    uow, ring, cid, sale = await world(price=100)
    voucher = await buy(uow, ring, cid, sale.id, NOW)
    assert remaining(uow, cid) == {SOON: 0, LATER: 60}
    assert await uow.vouchers.lots(voucher.id) == {SOON: 60, LATER: 40}
    assert uow.ledger.balance(citizen_account_id(cid)) == 60
    assert sale.stock_left == 9
    redeem = uow.ledger.chain(citizen_account_id(cid))[-1]
    assert (redeem.kind, redeem.amount, redeem.credit_account) == ("redeem", 100, "sys:redemption")
    assert redeem.idempotency_key == f"voucher:{voucher.id}"
    assert uow.ledger.problems() == []


async def test_a_balance_below_the_price_is_refused_and_nothing_moves() -> None:
    uow, ring, cid, sale = await world(price=161)
    with pytest.raises(InsufficientPoints):
        async with uow.transaction():
            await buy(uow, ring, cid, sale.id, NOW)
    assert uow.ledger.balance(citizen_account_id(cid)) == 160
    assert remaining(uow, cid) == {SOON: 60, LATER: 100}
    assert (sale.stock_left, uow.vouchers.rows) == (10, {})


async def test_the_per_citizen_limit_counts_held_vouchers_but_not_cancelled_ones() -> None:
    uow, ring, cid, sale = await world(price=10, limit=2)
    first = await buy(uow, ring, cid, sale.id, NOW)
    await buy(uow, ring, cid, sale.id, NOW)
    with pytest.raises(LimitReached):
        await buy(uow, ring, cid, sale.id, NOW)
    await cancel(uow, cid, first.id, NOW)
    await buy(uow, ring, cid, sale.id, NOW)  # the cancelled one freed its place
    assert await uow.vouchers.held(cid, sale.id) == 2


async def test_out_of_stock_refuses_and_keeps_the_buyers_points() -> None:
    uow, ring, first, sale = await world(stock=1)
    second = citizen(uow, consent_at=NOW - timedelta(days=5))
    async with uow.transaction():
        await grant(uow, second, 500, LATER, NOW)
        await buy(uow, ring, first, sale.id, NOW)
    with pytest.raises(OutOfStock):
        async with uow.transaction():
            await buy(uow, ring, second, sale.id, NOW)
    sale = await uow.offers.get(sale.id)
    assert sale.stock_left == 0  # never below zero
    assert uow.ledger.balance(citizen_account_id(second)) == 500
    assert len(uow.vouchers.rows) == 1
    assert uow.ledger.problems() == []


async def test_a_voucher_carries_a_code_and_a_token_the_public_key_verifies() -> None:
    uow, ring, cid, sale = await world(days=30)
    voucher = await buy(uow, ring, cid, sale.id, NOW)
    assert codes.normalize_code(voucher.code) == voucher.code
    assert await uow.vouchers.id_by_code(voucher.code) == voucher.id
    public = {k.key_id: k.public_key for k in await ring.public_keys(uow, NOW)}
    claims = tokens.verify_token(voucher.token, public, NOW)
    assert (claims.voucher_id, claims.merchant_id) == (voucher.id, sale.merchant_id)
    assert claims.expires_at == voucher.expires_at == NOW + timedelta(days=30)
    stranger = tokens.generate_private_key()
    other = {claims.key_id: tokens.public_key_text(stranger)}
    with pytest.raises(tokens.BadToken):
        tokens.verify_token(voucher.token, other, NOW)


async def test_cancel_refunds_into_the_original_lots_and_returns_the_stock() -> None:
    uow, ring, cid, sale = await world(price=100)
    voucher = await buy(uow, ring, cid, sale.id, NOW)
    later = NOW + timedelta(hours=1)
    done = await cancel(uow, cid, voucher.id, later)
    assert (done.status, done.cancelled_at) == ("cancelled", later)
    assert remaining(uow, cid) == {SOON: 60, LATER: 100}
    earned = {e: lot.earned for (_, e), lot in uow.ledger.lots_by_key.items()}
    assert earned == {SOON: 60, LATER: 100}  # a refund is not earned again
    assert uow.ledger.balance(citizen_account_id(cid)) == 160
    assert sale.stock_left == 10
    refund = uow.ledger.chain(citizen_account_id(cid))[-1]
    assert (refund.kind, refund.amount, refund.idempotency_key) == (
        "refund",
        100,
        f"cancel:{voucher.id}",
    )
    assert uow.ledger.problems() == []


async def test_a_second_cancel_is_refused_and_refunds_nothing() -> None:
    uow, ring, cid, sale = await world()
    voucher = await buy(uow, ring, cid, sale.id, NOW)
    await cancel(uow, cid, voucher.id, NOW)
    with pytest.raises(Gone) as refused:
        await cancel(uow, cid, voucher.id, NOW)
    assert refused.value.code == "cancelled"
    assert uow.ledger.balance(citizen_account_id(cid)) == 160
    assert sale.stock_left == 10  # put back once


async def test_a_redeemed_voucher_cannot_be_cancelled() -> None:
    uow, ring, cid, sale = await world()
    voucher = await buy(uow, ring, cid, sale.id, NOW)
    await uow.vouchers.redeem(
        voucher.id,
        sale.merchant_id,
        scanned_at=NOW,
        recorded_at=NOW,
        store_id=None,
        staff_id="cashier",
        nonce="n-1",
    )
    with pytest.raises(Conflict) as refused:
        await cancel(uow, cid, voucher.id, NOW)
    assert refused.value.code == "already_redeemed"
    assert uow.ledger.balance(citizen_account_id(cid)) == 60


async def test_only_the_owner_may_cancel() -> None:
    uow, ring, cid, sale = await world()
    voucher = await buy(uow, ring, cid, sale.id, NOW)
    with pytest.raises(VoucherNotFound):
        await cancel(uow, "someone-else", voucher.id, NOW)
    assert voucher.status == "issued"


async def test_expire_due_refunds_expired_vouchers_once() -> None:
    uow, ring, cid, sale = await world(price=50, days=1)
    voucher = await buy(uow, ring, cid, sale.id, NOW)
    fresh = await buy(uow, ring, cid, sale.id, NOW + timedelta(days=1, hours=12))
    at = NOW + timedelta(days=2)
    assert await expire_due(uow, at) == 1
    assert uow.jobs.calls == ["voucher-expiry"]
    assert (voucher.status, fresh.status) == ("expired", "issued")
    refund = uow.ledger.chain(citizen_account_id(cid))[-1]
    assert (refund.kind, refund.amount, refund.idempotency_key) == (
        "refund",
        50,
        f"expire:{voucher.id}",
    )
    # the vouchers took 50 + 10 from SOON and 40 from LATER; the expired one's 50 return to SOON
    assert remaining(uow, cid) == {SOON: 50, LATER: 60}
    assert await expire_due(uow, at) == 0
    assert uow.ledger.problems() == []


async def test_expire_due_commits_a_stage_per_full_batch() -> None:
    uow, ring, cid, sale = await world(price=10, days=1)
    for _ in range(3):
        await buy(uow, ring, cid, sale.id, NOW)
    assert await expire_due(uow, NOW + timedelta(days=2), batch=2) == 3
    assert uow.stages == 1
    assert uow.jobs.calls == ["voucher-expiry", "voucher-expiry"]  # the lock, again per stage
    assert uow.ledger.balance(citizen_account_id(cid)) == 160


async def test_expire_due_does_nothing_while_another_process_holds_the_job() -> None:
    uow, ring, cid, sale = await world(days=1)
    voucher = await buy(uow, ring, cid, sale.id, NOW)
    uow.jobs.taken_elsewhere.add("voucher-expiry")
    assert await expire_due(uow, NOW + timedelta(days=2)) == 0
    assert voucher.status == "issued"
