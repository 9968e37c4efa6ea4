"""Recompute every chain, balance and trip fingerprint; name the first row that does not match."""

from __future__ import annotations

import msgspec
from sqlalchemy import select

from domain.ledger.chain import GENESIS, entry_hash, trip_fingerprint
from domain.persistence.tables import LedgerAccount, PointsLot, Posting, Trip
from domain.persistence.uow import UnitOfWork


class VerifyReport(msgspec.Struct):
    ok: bool
    accounts: int
    postings: int
    first_bad: str | None = None  # e.g. "ledger_postings id=... (account cit:..., seq 7): hash"


async def verify_ledger(uow: UnitOfWork) -> VerifyReport:
    accounts = (
        (
            await uow.session.execute(
                select(LedgerAccount)
                .where(LedgerAccount.kind == "citizen")
                .order_by(LedgerAccount.id)
            )
        )
        .scalars()
        .all()
    )
    checked = 0
    for account in accounts:
        bad, n = await _verify_account(uow, account)
        checked += n
        if bad:
            return VerifyReport(ok=False, accounts=len(accounts), postings=checked, first_bad=bad)
    return VerifyReport(ok=True, accounts=len(accounts), postings=checked)


async def _verify_account(uow: UnitOfWork, account: LedgerAccount) -> tuple[str | None, int]:
    stmt = select(Posting).where(Posting.chain_account == account.id).order_by(Posting.seq)
    prev, balance, seq, n = GENESIS, 0, 0, 0
    result = await uow.session.stream_scalars(stmt.execution_options(yield_per=1000))
    async for p in result:
        n += 1
        where = f"ledger_postings id={p.id} (account {account.id}, seq {p.seq})"
        seq += 1
        delta = p.amount if p.credit_account == account.id else -p.amount
        counter = p.debit_account if delta > 0 else p.credit_account
        balance += delta
        if p.seq != seq:
            return f"{where}: sequence gap, expected {seq}", n
        if p.prev_hash != prev:
            return f"{where}: prev_hash does not match the previous entry", n
        if p.balance_after != balance or balance < 0:
            return f"{where}: balance_after {p.balance_after}, recomputed {balance}", n
        expected = entry_hash(
            prev_hash=prev,
            account=account.id,
            seq=p.seq,
            kind=p.kind,
            delta=delta,
            balance_after=balance,
            idempotency_key=p.idempotency_key,
            counter_account=counter,
            trip_fingerprint=p.trip_fingerprint,
            created_at=p.created_at,
        )
        if p.hash != expected:
            return f"{where}: hash does not match the entry's content", n
        if p.trip_id is not None and (bad := await _verify_trip(uow, p)):
            return f"{where}: {bad}", n
        prev = p.hash
    if account.head_hash != prev or account.entries != seq or account.balance != balance:
        return f"ledger_accounts id={account.id}: cached head/balance differs from its entries", n
    lots = (
        (
            await uow.session.execute(
                select(PointsLot.remaining).where(PointsLot.account_id == account.id)
            )
        )
        .scalars()
        .all()
    )
    if sum(lots) != balance:
        return f"points_lots account_id={account.id}: lots hold {sum(lots)}, balance {balance}", n
    return None, n


async def _verify_trip(uow: UnitOfWork, p: Posting) -> str | None:
    trip = await uow.session.get(Trip, p.trip_id)
    if trip is None:
        return f"credited trip {p.trip_id} is missing"
    fingerprint = trip_fingerprint(
        operator_id=trip.operator_id,
        external_trip_id=trip.external_trip_id,
        account_hash=trip.account_hash,
        mode=trip.mode,
        started_at=trip.started_at,
        ended_at=trip.ended_at,
        distance_m=trip.distance_m,
        reduction_g=trip.reduction_g,
        points=trip.points,
        methodology=f"{trip.methodology_code}/{trip.methodology_version}",
    )
    if fingerprint != trip.fingerprint or fingerprint != p.trip_fingerprint:
        return f"trips id={trip.id}: content does not match its fingerprint"
    if trip.status != "credited" or trip.points != p.amount:
        return f"trips id={trip.id}: status/points differ from the posting"
    return None
