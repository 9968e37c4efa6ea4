"""What erasure forgets (domain/identity/erasure.py), over the fake unit of work."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.identity.erasure import forget
from domain.ids import new_id
from domain.ledger.accounts import citizen_account_id
from domain.ledger.idempotency import citizen_owner
from domain.persistence.tables import BindingCode
from domain.trips.accounts import account_hash
from domain.vouchers.purchase import VoucherNotFound, buy, own
from tests.fakes import FakeUnitOfWork
from tests.fakes.builders import PROTECTOR, citizen, grant, key_ring, link, merchant, offer

NOW = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
LATER = datetime(2027, 12, 31, 15, 59, 59, tzinfo=UTC)
OP = "01OPERATOR0000000000000000"


def _trip(citizen_id: str | None, card: str, ext: str) -> dict:
    start = NOW - timedelta(hours=5)
    return {
        "id": new_id(),
        "operator_id": OP,
        "external_trip_id": ext,
        "account_hash": account_hash(PROTECTOR, OP, card),
        "citizen_id": citizen_id,
        "mode": "metro",
        "started_at": start,
        "ended_at": start + timedelta(minutes=20),
        "day": date(2026, 3, 1),
        "distance_m": 7000,
        "reduction_g": 327,
        "points": 3,
        "status": "credited",
        "reason": None,
        "methodology_code": "NJ-GT",
        "methodology_version": 1,
        "origin": "NJM101",
        "destination": "NJM110",
        "received_at": NOW,
        "decided_at": NOW,
        "fingerprint": "f" * 64,
    }


def _tap(card: str) -> dict:
    return {
        "operator_id": OP,
        "account_hash": account_hash(PROTECTOR, OP, card),
        "station": "NJM117",
        "direction": "in",
        "tapped_at": NOW - timedelta(minutes=5),
        "device": None,
    }


async def world():
    """Alice (to erase) and Bob each hold a linked card, a trip, an open tap-in, a voucher and an
    idempotency record; Alice also has an unlinked card and an unspent binding code."""
    uow = FakeUnitOfWork()
    ring = await key_ring(uow, NOW)
    store = merchant(uow, NOW)
    sale = offer(uow, store.merchant_id, NOW, price=50, stock=10)
    alice = citizen(uow, consent_at=NOW - timedelta(days=30))
    bob = citizen(uow, consent_at=NOW - timedelta(days=30))
    async with uow.transaction():
        await link(uow, alice, OP, "alice-old-card", NOW - timedelta(days=9))
        for b in uow.bindings.rows.values():
            b.unbound_at = NOW - timedelta(days=8)
        await link(uow, alice, OP, "alice-card", NOW - timedelta(days=7))
        await link(uow, bob, OP, "bob-card", NOW - timedelta(days=7))
        uow.bindings.add(
            BindingCode(
                id=new_id(),
                operator_id=OP,
                code="12345678",
                citizen_id=alice,
                created_at=NOW,
                expires_at=NOW + timedelta(minutes=10),
            )
        )
        uow.trips.insert_new([_trip(alice, "alice-card", "a1"), _trip(bob, "bob-card", "b1")])
        await uow.trips.replace_open_taps(OP, [], [_tap("alice-card"), _tap("bob-card")])
        for who in (alice, bob):
            await grant(uow, who, 200, LATER, NOW - timedelta(days=1))
            await uow.idempotency.claim(citizen_owner(who), "key-1", "h", NOW)
    vouchers = {}
    async with uow.transaction():
        for who in (alice, bob):
            vouchers[who] = await buy(uow, ring, who, sale.id, NOW)
        used = await buy(uow, ring, alice, sale.id, NOW)
        await uow.vouchers.redeem(
            used.id,
            store.merchant_id,
            scanned_at=NOW,
            recorded_at=NOW,
            store_id=store.id,
            staff_id="cashier",
            nonce="n1",
        )
    return uow, sale, alice, bob, vouchers, used


async def test_unredeemed_vouchers_go_back_through_the_cancel_path() -> None:
    uow, sale, alice, bob, vouchers, used = await world()
    assert uow.ledger.balance(citizen_account_id(alice)) == 100
    async with uow.transaction():
        await forget(uow, alice, NOW)
    kept = uow.vouchers.rows[vouchers[alice].id]
    assert (kept.status, kept.cancelled_at) == ("cancelled", NOW)
    refund = uow.ledger.chain(citizen_account_id(alice))[-1]
    assert (refund.kind, refund.amount, refund.idempotency_key) == (
        "refund",
        50,
        f"cancel:{kept.id}",
    )
    assert uow.ledger.balance(citizen_account_id(alice)) == 150
    assert sale.stock_left == 10 - 3 + 1  # the cancelled one's unit is back on sale
    assert uow.vouchers.rows[used.id].status == "redeemed"  # what was used stays used
    # no code or token of Alice's is left; Bob's voucher is untouched
    assert {(v.code, v.token) for v in uow.vouchers.rows.values() if v.citizen_id == alice} == {
        (None, None)
    }
    assert uow.vouchers.rows[vouchers[bob].id].status == "issued"
    assert uow.vouchers.rows[vouchers[bob].id].token
    assert uow.ledger.problems() == []


async def test_trips_keep_their_facts_and_lose_account_stations_and_times() -> None:
    uow, _, alice, bob, _, _ = await world()
    async with uow.transaction():
        await forget(uow, alice, NOW)
    [a] = [t for t in uow.trips.rows.values() if t.citizen_id == alice]
    [b] = [t for t in uow.trips.rows.values() if t.citizen_id == bob]
    assert (a.account_hash, a.origin, a.destination, a.started_at, a.ended_at) == (None,) * 5
    assert a.erased_at == NOW
    kept = (a.mode, a.day, a.distance_m, a.reduction_g, a.points, a.status, a.fingerprint)
    assert kept == ("metro", date(2026, 3, 1), 7000, 327, 3, "credited", "f" * 64)
    assert a.external_trip_id == "a1"  # the operator's id: a replay stays a replay
    assert b.erased_at is None and b.origin == "NJM101" and b.account_hash


async def test_bindings_codes_open_taps_and_idempotency_records_are_deleted() -> None:
    uow, _, alice, bob, _, _ = await world()
    async with uow.transaction():
        await forget(uow, alice, NOW)
    assert {b.citizen_id for b in uow.bindings.rows.values()} == {bob}
    assert uow.bindings.codes == {}
    assert [t.account_hash for t in uow.trips.taps.values()] == [
        account_hash(PROTECTOR, OP, "bob-card")
    ]
    assert list(uow.idempotency.rows) == [(citizen_owner(bob), "key-1")]


async def test_complaint_words_are_blanked_and_institution_membership_ends() -> None:
    uow, _, alice, _, _, _ = await world()
    async with uow.transaction():
        await forget(uow, alice, NOW)
    assert uow.complaints.blanked == [alice]
    assert uow.institutions.left == [(alice, NOW)]


async def test_a_voucher_whose_token_is_gone_is_no_longer_anyones() -> None:
    uow, _, alice, _, vouchers, _ = await world()
    async with uow.transaction():
        await forget(uow, alice, NOW)
    with pytest.raises(VoucherNotFound):  # its QR could not be drawn: there is no token
        await own(uow, alice, vouchers[alice].id)
