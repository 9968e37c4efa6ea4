"""/v1/admin/audit: the audit log, newest first (admin and auditor)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import Parameter

from api.admin.schemas import AuditOut
from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from domain.identity.principal import Role
from domain.persistence.uow import UnitOfWork


class AdminAuditController(Controller):
    path = "/v1/admin/audit"
    tags = ["admin"]
    guards = [staff_guard(Role.ADMIN, Role.AUDITOR)]
    security = [{"BearerToken": []}]

    @get("/", summary="Audit entries, newest first")
    async def list_audit(
        self,
        uow: UnitOfWork,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
        target_id: str | None = Parameter(default=None, max_length=64),
    ) -> Page[AuditOut]:
        rows = await uow.audit.list(before=cursor, limit=limit + 1, target_id=target_id)
        items = [
            AuditOut(
                audit_id=r.id,
                actor_id=r.actor_id,
                actor_role=r.actor_role,
                action=r.action,
                target_type=r.target_type,
                target_id=r.target_id,
                before=r.before,
                after=r.after,
                request_id=r.request_id,
                created_at=r.created_at,
            )
            for r in rows
        ]
        return page_of(items, limit, lambda a: a.audit_id)
