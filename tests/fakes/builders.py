"""Arranging a fake world: citizens, merchants, offers, points, voucher keys."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.crypto import DataProtector
from domain.ids import new_id
from domain.ledger.postings import chained_row, locked_citizen_account
from domain.persistence.tables import Binding, Citizen, Merchant, Offer, Store
from domain.trips.accounts import account_hash, ensure_citizen_accounts
from domain.trips.crediting import ISSUANCE
from domain.vouchers.keys import KeyRing
from tests.fakes.uow import SEEDED_AT, FakeUnitOfWork

PROTECTOR = DataProtector("unit-test-data-key")


def citizen(uow: FakeUnitOfWork, *, consent_at: datetime | None, status: str = "active") -> str:
    citizen_id = new_id()
    uow.citizens.add(
        Citizen(
            id=citizen_id,
            openid_hash=PROTECTOR.keyed_hash("wechat-openid", citizen_id),
            status=status,
            consent_version="v1" if consent_at else None,
            consent_given_at=consent_at,
            created_at=consent_at or SEEDED_AT,
        )
    )
    return citizen_id


def merchant(uow: FakeUnitOfWork, now: datetime, *, name: str = "Lakeside Café") -> Store:
    """An approved merchant with one store; returns the store."""
    merchant_id = new_id()
    uow.merchants.add(Merchant(id=merchant_id, name=name, status="approved", created_at=now))
    store = Store(id=new_id(), merchant_id=merchant_id, name=f"{name} (Xuanwu)", created_at=now)
    uow.merchants.add_store(store)
    return store


def offer(
    uow: FakeUnitOfWork,
    merchant_id: str,
    now: datetime,
    *,
    price: int = 100,
    stock: int = 10,
    limit: int = 5,
    voucher_days: int = 30,
) -> Offer:
    """An approved offer, live from a day before `now` for ninety days."""
    row = Offer(
        id=new_id(),
        merchant_id=merchant_id,
        title="Green tea",
        description="",
        points_price=price,
        stock_total=stock,
        stock_left=stock,
        per_citizen_limit=limit,
        valid_from=now - timedelta(days=1),
        valid_until=now + timedelta(days=90),
        voucher_days=voucher_days,
        status="approved",
        created_by="staff-1",
        created_at=now - timedelta(days=2),
    )
    uow.offers.add(row)
    return row


async def grant(
    uow: FakeUnitOfWork, citizen_id: str, points: int, expires_at: datetime, now: datetime
) -> None:
    """Points earned into a lot expiring at `expires_at`: a chained `earn` posting written the
    way crediting writes one (record_credit), so the lot counts them as earned."""
    account = await locked_citizen_account(uow, citizen_id, now)
    row = chained_row(
        account,
        kind="earn",
        delta=points,
        counter_account=ISSUANCE,
        key=f"grant:{new_id()}",
        ref=None,
        now=now,
    )
    await uow.ledger.record_credit([row], [account], {(account.id, expires_at): points}, [], [])


async def link(
    uow: FakeUnitOfWork, citizen_id: str, operator_id: str, external_account: str, now: datetime
) -> None:
    """The citizen's operator account linked, and their ledger account opened, as binding does."""
    uow.bindings.add(
        Binding(
            id=new_id(),
            citizen_id=citizen_id,
            operator_id=operator_id,
            account_hash=account_hash(PROTECTOR, operator_id, external_account),
            account_hint="****" + external_account[-4:],
            bound_at=now,
        )
    )
    await ensure_citizen_accounts(uow, [citizen_id], now)


async def key_ring(uow: FakeUnitOfWork, now: datetime) -> KeyRing:
    """A ring with its first signing key made (as start-up does), committed."""
    ring = KeyRing(PROTECTOR)
    async with uow.transaction():
        await ring.ensure(uow, now)
    return ring
