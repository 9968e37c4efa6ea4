"""Every detector by name, in the order the job runs them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from domain.governance.audit import Actor, record
from domain.persistence.tables import Alert
from domain.persistence.uow import UnitOfWork
from domain.supervision import (
    checkpoint_integrity,
    operator_rates,
    overlapping_accounts,
    redemption_bursts,
    verifier_overclaims,
)
from domain.supervision.thresholds import Thresholds

Detector = Callable[[UnitOfWork, datetime, Thresholds], Awaitable[list[Alert]]]

DETECTORS: dict[str, Detector] = {
    operator_rates.KIND: operator_rates.detect,
    overlapping_accounts.KIND: overlapping_accounts.detect,
    redemption_bursts.KIND: redemption_bursts.detect,
    verifier_overclaims.KIND: verifier_overclaims.detect,
    checkpoint_integrity.KIND: checkpoint_integrity.detect,
}


async def scan(
    uow: UnitOfWork, actor: Actor, now: datetime, thresholds: Thresholds
) -> dict[str, int]:
    """Staff run every detector now, in their one transaction: alerts newly raised, per kind."""
    raised = {kind: len(await detect(uow, now, thresholds)) for kind, detect in DETECTORS.items()}
    record(uow, actor, "alert.scan", "alert", "*", None, raised, now)
    return raised
