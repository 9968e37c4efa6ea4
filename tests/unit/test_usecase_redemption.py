"""Redeeming a voucher at the counter, exactly once, over the fake unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.vouchers import codes
from domain.vouchers.names import Names
from domain.vouchers.purchase import buy, cancel
from domain.vouchers.redemption import (
    AlreadyRedeemed,
    Cashier,
    NotYourVoucher,
    Scan,
    VoucherCancelled,
    VoucherExpired,
    redeem,
)
from tests.fakes import FakeUnitOfWork
from tests.fakes.builders import citizen, grant, key_ring, merchant, offer

NOW = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
EXPIRES = NOW + timedelta(days=30)


async def world():
    """A committed voucher (30 days) of a merchant whose cashier works at its one store."""
    uow = FakeUnitOfWork()
    ring = await key_ring(uow, NOW)
    cid = citizen(uow, consent_at=NOW - timedelta(days=60))
    store = merchant(uow, NOW)
    sale = offer(uow, store.merchant_id, NOW, price=100, voucher_days=30)
    async with uow.transaction():
        await grant(uow, cid, 500, NOW + timedelta(days=300), NOW)
        voucher = await buy(uow, ring, cid, sale.id, NOW)
    cashier = Cashier(staff_id="cashier-1", merchant_id=store.merchant_id, store_id=store.id)
    return uow, ring, cashier, voucher


async def test_a_voucher_is_redeemed_once_and_its_citizen_told_after_commit() -> None:
    uow, ring, cashier, voucher = await world()
    at = NOW + timedelta(days=1)
    async with uow.transaction():
        done = await redeem(uow, ring, Names(), cashier, Scan(nonce="n1", token=voucher.token), at)
        assert uow.published_named("voucher.redeemed") == []  # not before the commit
    assert (done.voucher_id, done.offer_title, done.points) == (voucher.id, "Green tea", 100)
    assert (done.redeemed_at, done.store_id, done.store_name) == (
        at,
        cashier.store_id,
        "Lakeside Café (Xuanwu)",
    )
    state = await uow.vouchers.state(voucher.id)
    assert (state.status, state.redemption_nonce) == ("redeemed", "n1")
    assert uow.published_named("voucher.redeemed") == [{"voucher_id": voucher.id}]
    assert uow.published[-1].channel == f"citizen:{voucher.citizen_id}"


async def test_a_typed_code_redeems_like_the_token() -> None:
    uow, ring, cashier, voucher = await world()
    typed = codes.display_code(voucher.code).lower()
    done = await redeem(uow, ring, Names(), cashier, Scan(nonce="n1", code=typed), NOW)
    assert done.voucher_id == voucher.id


async def test_a_second_scan_is_refused_with_when_and_where() -> None:
    uow, ring, cashier, voucher = await world()
    first = await redeem(uow, ring, Names(), cashier, Scan(nonce="n1", token=voucher.token), NOW)
    with pytest.raises(AlreadyRedeemed) as refused:
        await redeem(uow, ring, Names(), cashier, Scan(nonce="n2", token=voucher.token), NOW)
    assert refused.value.extra["redeemed_at"] == first.redeemed_at
    assert refused.value.extra["store"] == {
        "store_id": cashier.store_id,
        "name": "Lakeside Café (Xuanwu)",
    }
    assert uow.vouchers.conflict_rows == {}  # an online refusal records nothing


async def test_a_retry_with_the_same_nonce_gets_the_first_answer() -> None:
    uow, ring, cashier, voucher = await world()
    scan = Scan(nonce="device-7:42", token=voucher.token)
    first = await redeem(uow, ring, Names(), cashier, scan, NOW)
    again = await redeem(uow, ring, Names(), cashier, scan, NOW + timedelta(seconds=3))
    assert again == first


async def test_another_merchants_cashier_is_forbidden() -> None:
    uow, ring, _, voucher = await world()
    other = merchant(uow, NOW, name="Other shop")
    cashier = Cashier(staff_id="c-9", merchant_id=other.merchant_id, store_id=other.id)
    with pytest.raises(NotYourVoucher):
        await redeem(uow, ring, Names(), cashier, Scan(nonce="n1", token=voucher.token), NOW)
    assert (await uow.vouchers.state(voucher.id)).status == "issued"


async def test_an_expired_voucher_is_gone() -> None:
    uow, ring, cashier, voucher = await world()
    with pytest.raises(VoucherExpired) as refused:
        await redeem(uow, ring, Names(), cashier, Scan(nonce="n1", code=voucher.code), EXPIRES)
    assert refused.value.code == "expired"
    assert (await uow.vouchers.state(voucher.id)).status == "issued"


async def test_a_cancelled_voucher_is_gone() -> None:
    uow, ring, cashier, voucher = await world()
    await cancel(uow, voucher.citizen_id, voucher.id, NOW)
    with pytest.raises(VoucherCancelled):
        await redeem(uow, ring, Names(), cashier, Scan(nonce="n1", code=voucher.code), NOW)


async def test_an_offline_scan_made_while_redeemable_is_accepted_late() -> None:
    uow, ring, cashier, voucher = await world()
    scanned = EXPIRES - timedelta(hours=1)
    uploaded = EXPIRES + timedelta(days=1)  # past expiry now, but not when scanned
    scan = Scan(nonce="n1", token=voucher.token, scanned_at=scanned)
    done = await redeem(uow, ring, Names(), cashier, scan, uploaded)
    assert done.redeemed_at == scanned
    assert voucher.recorded_at == uploaded
    assert uow.stages == 0


async def test_a_late_offline_scan_records_a_conflict_that_survives_the_refusal() -> None:
    uow, ring, cashier, voucher = await world()
    async with uow.transaction():
        await redeem(uow, ring, Names(), cashier, Scan(nonce="n1", token=voucher.token), NOW)
    offline = Scan(nonce="n2", token=voucher.token, scanned_at=NOW + timedelta(minutes=5))
    with pytest.raises(AlreadyRedeemed):
        async with uow.transaction():  # the request answers 409: its transaction rolls back
            await redeem(uow, ring, Names(), cashier, offline, NOW + timedelta(hours=2))
    assert uow.stages == 1
    [conflict] = uow.vouchers.conflict_rows.values()
    assert (conflict.voucher_id, conflict.nonce, conflict.reason, conflict.status) == (
        voucher.id,
        "n2",
        "already_redeemed",
        "open",
    )
    assert conflict.scanned_at == NOW + timedelta(minutes=5)


async def test_an_offline_conflict_is_recorded_once_per_nonce() -> None:
    uow, ring, cashier, voucher = await world()
    await cancel(uow, voucher.citizen_id, voucher.id, NOW)
    offline = Scan(nonce="n2", code=voucher.code, scanned_at=NOW + timedelta(minutes=1))
    for _ in range(2):
        with pytest.raises(VoucherCancelled):
            await redeem(uow, ring, Names(), cashier, offline, NOW + timedelta(hours=1))
    [conflict] = uow.vouchers.conflict_rows.values()
    assert conflict.reason == "cancelled"


async def test_an_offline_scan_of_another_merchants_voucher_records_nothing() -> None:
    uow, ring, _, voucher = await world()
    other = merchant(uow, NOW, name="Other shop")
    cashier = Cashier(staff_id="c-9", merchant_id=other.merchant_id, store_id=other.id)
    offline = Scan(nonce="n1", token=voucher.token, scanned_at=NOW)
    with pytest.raises(NotYourVoucher):
        await redeem(uow, ring, Names(), cashier, offline, NOW + timedelta(hours=1))
    assert (uow.vouchers.conflict_rows, uow.stages) == ({}, 0)
