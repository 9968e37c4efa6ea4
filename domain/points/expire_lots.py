"""Expiring points: every lot remainder past its expiry leaves by one `expire` posting."""

from __future__ import annotations

from datetime import datetime

from domain.ledger.postings import chained_row
from domain.persistence.uow import UnitOfWork

EXPIRY = "sys:expiry"


async def expire_lots(uow: UnitOfWork, now: datetime, *, batch: int = 500) -> int:
    """Expire due lots, `batch` accounts per stage; returns the number of postings.

    Runs once across processes (a database job lock, taken again in each stage); the lots are
    re-read under the accounts' row locks, so a purchase or refund racing it is never
    double-counted.
    """
    done = 0
    while True:
        if not await uow.jobs.try_lock("points-expiry"):
            return done
        await uow.ledger.ensure_accounts([(EXPIRY, "system", None)], now)
        account_ids = await uow.ledger.accounts_with_expired_lots(now, limit=batch)
        if not account_ids:
            return done
        accounts = await uow.ledger.lock_accounts(account_ids)
        lots = await uow.ledger.expired_lots(account_ids, now)
        rows = []
        for account_id, expires_at, remaining in lots:
            account = accounts[account_id]
            rows.append(
                chained_row(
                    account,
                    kind="expire",
                    delta=-remaining,
                    counter_account=EXPIRY,
                    key=f"expire:{account_id}:{account.entries + 1}",
                    ref=f"lot:{expires_at.isoformat()}",
                    now=now,
                )
            )
        await uow.ledger.add_postings(rows)
        await uow.ledger.empty_lots([(a, e) for a, e, _ in lots])
        await uow.ledger.save_accounts(accounts.values())
        done += len(rows)
        if len(account_ids) < batch:
            return done
        await uow.commit_stage()
