"""The fund pool as staff and the public read it: balance, in and out, the latest movements."""

from __future__ import annotations

from datetime import datetime

import msgspec

from domain.market.fund_pool import PoolSummary


class PoolMovementOut(msgspec.Struct):
    at: datetime
    kind: str  # mkt_sale (proceeds in) | mkt_fee (the platform's fee) | fund_payout
    amount_fen: int  # signed: + into the pool, - out of it
    ref: str | None  # the order (mkt_*) or the payout (fund_payout)
    balance_after_fen: int


class FundPoolOut(msgspec.Struct):
    balance_fen: int
    in_fen: int  # all that ever came in
    out_fen: int  # all that ever went out: fees and payouts
    movements: list[PoolMovementOut]  # newest first


def fund_pool_out(pool: PoolSummary) -> FundPoolOut:
    return FundPoolOut(
        balance_fen=pool.balance_fen,
        in_fen=pool.in_fen,
        out_fen=pool.out_fen,
        movements=[
            PoolMovementOut(
                at=m.at,
                kind=m.kind,
                amount_fen=m.amount_fen,
                ref=m.ref,
                balance_after_fen=m.balance_after_fen,
            )
            for m in pool.movements
        ],
    )
