"""A store redeeming more than N vouchers in one minute (by when the scans happened), among the
redemptions recorded in the last `burst_lookback_minutes` (offline scans count when uploaded)."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.persistence.tables import Alert
from domain.persistence.uow import UnitOfWork
from domain.supervision.alerts import raise_alert
from domain.supervision.thresholds import Thresholds

KIND = "redemption_burst"
MAX_VOUCHERS = 50  # voucher ids kept as evidence per alert


async def detect(uow: UnitOfWork, now: datetime, t: Thresholds) -> list[Alert]:
    since = now - timedelta(minutes=t.burst_lookback_minutes)
    raised: list[Alert] = []
    for burst in await uow.supervision.redemption_bursts(since, t.redemptions_per_minute):
        end = burst.minute + timedelta(minutes=1)
        subject_type, subject_id = (
            ("store", burst.store_id) if burst.store_id else ("merchant", burst.merchant_id)
        )
        vouchers = await uow.supervision.redeemed_in(
            burst.merchant_id, burst.store_id, burst.minute, end, MAX_VOUCHERS
        )
        alert = await raise_alert(
            uow,
            kind=KIND,
            subject_type=subject_type,
            subject_id=subject_id,
            window=burst.minute.isoformat(),
            summary=(
                f"{burst.redemptions} vouchers redeemed in the minute from "
                f"{burst.minute.isoformat()} (limit {t.redemptions_per_minute})"
            ),
            evidence={
                "merchant_id": burst.merchant_id,
                "store_id": burst.store_id,
                "window": {"start": burst.minute.isoformat(), "end": end.isoformat()},
                "redemptions": burst.redemptions,
                "limit_per_minute": t.redemptions_per_minute,
                "voucher_ids": vouchers,
            },
            now=now,
        )
        if alert is not None:
            raised.append(alert)
    return raised
