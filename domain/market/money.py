"""Money of the market as chained ledger postings, in integer fen (kind `money` accounts).

Every organisation (and citizen) that pays or sells has a money account `mny:{owner id}`; the
fund pool (碳普惠资金池) is `mny:fund-pool`, which receives what the public-behaviour account's
units sell for. Money comes in through the payment service (`sys:wechatpay`), meets in the
clearing account (`sys:market-clearing`, which nets to zero once an order is settled) and leaves
as fees (`sys:market-fees`), refunds (back to `sys:wechatpay`) or fund payouts. Postings are
chained on the owners' side; the system accounts have no chain, so no hot row is shared by
unrelated sales. Idempotency keys derive from the order: `mkt:{order_id}:{step}`.

A delivered order of amount A and fee F writes four postings:
  buyer  +A  (sys:wechatpay)        mkt_pay     the buyer paid
  buyer  -A  (sys:market-clearing)  mkt_buy     ... for the units
  seller +A  (sys:market-clearing)  mkt_sale    the seller's proceeds
  seller -F  (sys:market-fees)      mkt_fee     the platform's fee (none when F is 0)
A payment for a closed order (paid late) writes only the first, and its refund takes it back.
A sale staff undo (domain/market/refunds.py) writes the last three reversed, then the refund.
"""

from __future__ import annotations

from datetime import datetime

from domain.ledger.accounts import AccountState
from domain.ledger.postings import chained_row
from domain.persistence.uow import UnitOfWork

MONEY_KIND = "money"
FUND_POOL = "mny:fund-pool"
PAYMENTS_IN = "sys:wechatpay"
CLEARING = "sys:market-clearing"
FEES = "sys:market-fees"
FUND_PAYOUTS = "sys:fund-payouts"


def money_account(owner_id: str) -> str:
    """The money account of an organisation or a citizen (by its id)."""
    return f"mny:{owner_id}"


async def lock(uow: UnitOfWork, account_ids: list[str], now: datetime) -> dict[str, AccountState]:
    """Create (if new) and lock these money accounts, sorted: no deadlocks. Called after any
    registry lock of the same transaction, never before. (The system accounts are installed by
    migration 0016.)"""
    await uow.ledger.ensure_accounts([(a, MONEY_KIND, None) for a in account_ids], now)
    return await uow.ledger.lock_accounts(sorted(set(account_ids)))


def _row(
    account: AccountState,
    kind: str,
    delta: int,
    counter: str,
    order_id: str,
    step: str,
    now: datetime,
) -> dict:
    return chained_row(
        account,
        kind=kind,
        delta=delta,
        counter_account=counter,
        key=f"mkt:{order_id}:{step}",
        ref=order_id,
        now=now,
    )


def sale_rows(
    buyer: AccountState,
    seller: AccountState,
    *,
    amount_fen: int,
    fee_fen: int,
    order_id: str,
    now: datetime,
) -> list[dict]:
    rows = [
        _row(buyer, "mkt_pay", amount_fen, PAYMENTS_IN, order_id, "pay", now),
        _row(buyer, "mkt_buy", -amount_fen, CLEARING, order_id, "buy", now),
        _row(seller, "mkt_sale", amount_fen, CLEARING, order_id, "sale", now),
    ]
    if fee_fen:
        rows.append(_row(seller, "mkt_fee", -fee_fen, FEES, order_id, "fee", now))
    return rows


def unsale_rows(
    buyer: AccountState,
    seller: AccountState,
    *,
    amount_fen: int,
    fee_fen: int,
    order_id: str,
    now: datetime,
) -> list[dict]:
    """A sale undone by staff: the fee back to the seller, the amount back to the buyer (held
    there until the refund succeeds)."""
    rows = []
    if fee_fen:
        rows.append(_row(seller, "mkt_fee_back", fee_fen, FEES, order_id, "fee-back", now))
    rows += [
        _row(seller, "mkt_unsale", -amount_fen, CLEARING, order_id, "unsale", now),
        _row(buyer, "mkt_unbuy", amount_fen, CLEARING, order_id, "unbuy", now),
    ]
    return rows


def paid_late_row(buyer: AccountState, *, amount_fen: int, order_id: str, now: datetime) -> dict:
    return _row(buyer, "mkt_pay", amount_fen, PAYMENTS_IN, order_id, "pay", now)


def refund_row(buyer: AccountState, *, amount_fen: int, order_id: str, now: datetime) -> dict:
    return _row(buyer, "mkt_refund", -amount_fen, PAYMENTS_IN, order_id, "refund", now)


async def write(uow: UnitOfWork, rows: list[dict], accounts: list[AccountState]) -> None:
    await uow.ledger.add_postings(rows)
    await uow.ledger.save_accounts(accounts)
