"""The audit log: every staff write records who, what, when, and a before/after summary."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from domain.ids import new_id
from domain.persistence.tables import AuditEntry
from domain.persistence.uow import UnitOfWork


class Actor(msgspec.Struct, frozen=True):
    """Who acts: a staff member (id, role), or `system`/`cli` for jobs and commands."""

    id: str
    role: str
    request_id: str | None = None


SYSTEM = Actor(id="system", role="system")
CLI = Actor(id="cli", role="cli")


def record(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    now: datetime,
) -> None:
    uow.audit.add(
        AuditEntry(
            id=new_id(),
            actor_id=actor.id,
            actor_role=actor.role,
            action=action,
            target_type=target_type,
            target_id=target_id,
            before=before,
            after=after,
            request_id=actor.request_id,
            created_at=now,
        )
    )
