"""The fund pool (碳普惠资金池): what it holds, what came in and went out, and paying out of it.

Money comes in when units of the public-behaviour account sell (domain/market/delivery.py puts
those proceeds in `mny:fund-pool`, less the platform's fee). Staff pay out of it to an alliance
merchant's settlement (the rewards citizens redeemed there): one chained posting on the pool,
kind `fund_payout`, against `sys:fund-payouts`, its ref the payout's id, written under the
pool's row lock, so two payouts never spend the same fen (409 `insufficient_funds`). The
payout's merchant and reference are in the audit log (target `fund_payout`, the payout id).
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from domain.errors import Conflict, InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.ids import new_id
from domain.ledger.postings import chained_row
from domain.market import money
from domain.persistence.uow import UnitOfWork

PAYOUT_KIND = "fund_payout"
MAX_PAYOUT_FEN = 10**15  # ten trillion yuan: a typo guard, and it fits 64 bits
MOVEMENTS = 50  # shown by default


class PoolMovement(msgspec.Struct, frozen=True):
    at: datetime
    kind: str  # mkt_sale (proceeds in) | mkt_fee (the platform's fee) | fund_payout
    amount_fen: int  # signed: + into the pool, - out of it
    ref: str | None  # the order or the payout
    balance_after_fen: int


class PoolSummary(msgspec.Struct, frozen=True):
    balance_fen: int
    in_fen: int  # everything that ever came in
    out_fen: int  # everything that ever went out (fees and payouts)
    movements: list[PoolMovement]  # newest first


class Payout(msgspec.Struct, frozen=True):
    payout_id: str
    merchant_id: str
    amount_fen: int
    reference: str
    balance_after_fen: int
    paid_at: datetime


async def summary(uow: UnitOfWork, *, limit: int = MOVEMENTS) -> PoolSummary:
    account = await uow.ledger.account(money.FUND_POOL)
    into, out = await uow.market.money_in_out(money.FUND_POOL)
    rows = await uow.market.money_movements(money.FUND_POOL, limit=limit)
    return PoolSummary(
        balance_fen=0 if account is None else account.balance,
        in_fen=into,
        out_fen=out,
        movements=[
            PoolMovement(
                at=p.created_at,
                kind=p.kind,
                amount_fen=p.amount if p.credit_account == money.FUND_POOL else -p.amount,
                ref=p.ref,
                balance_after_fen=p.balance_after,
            )
            for p in rows
        ],
    )


async def pay_out(
    uow: UnitOfWork,
    actor: Actor,
    *,
    merchant_id: str,
    amount_fen: int,
    reference: str,
    now: datetime,
) -> Payout:
    if not 0 < amount_fen <= MAX_PAYOUT_FEN:
        raise InvalidInput(
            f"amount_fen: 1 to {MAX_PAYOUT_FEN} fen", code="invalid_amount", field="amount_fen"
        )
    reference = reference.strip()
    if not reference:
        raise InvalidInput(
            "reference: say what the payout settles (e.g. the merchant's statement)",
            code="reference_required",
            field="reference",
        )
    merchant = await uow.merchants.get(merchant_id)
    if merchant is None:
        raise NotFound(
            "merchant_id: no such merchant", code="merchant_not_found", field="merchant_id"
        )
    pool = (await money.lock(uow, [money.FUND_POOL], now))[money.FUND_POOL]
    if pool.balance < amount_fen:
        raise Conflict(
            f"the fund pool holds {pool.balance} fen; {amount_fen} fen asked",
            code="insufficient_funds",
            balance_fen=pool.balance,
            requested_fen=amount_fen,
        )
    payout_id = new_id()
    row = chained_row(
        pool,
        kind=PAYOUT_KIND,
        delta=-amount_fen,
        counter_account=money.FUND_PAYOUTS,
        key=f"fund:{payout_id}:payout",
        ref=payout_id,
        now=now,
    )
    await money.write(uow, [row], [pool])
    record(
        uow,
        actor,
        "fund_pool.payout",
        "fund_payout",
        payout_id,
        None,
        {
            "merchant_id": merchant.id,
            "amount_fen": amount_fen,
            "reference": reference,
            "balance_after_fen": pool.balance,
        },
        now,
    )
    return Payout(
        payout_id=payout_id,
        merchant_id=merchant.id,
        amount_fen=amount_fen,
        reference=reference,
        balance_after_fen=pool.balance,
        paid_at=now,
    )
