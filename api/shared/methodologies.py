"""A methodology version as staff (/v1/admin/methodologies) and everyone (/v1/public) read it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from domain.persistence.tables import MethodologyVersion


class MethodologyOut(msgspec.Struct):
    methodology_id: str
    code: str
    version: int
    methodology_class: str
    scope: str  # travel | project
    title: str
    description: str
    params: dict[str, Any]
    status: str
    effective_from: datetime | None
    effective_until: datetime | None
    published_at: datetime | None


def out(v: MethodologyVersion) -> MethodologyOut:
    return MethodologyOut(
        methodology_id=v.id,
        code=v.code,
        version=v.version,
        methodology_class=v.methodology_class,
        scope=v.scope,
        title=v.title,
        description=v.description,
        params=v.params,
        status=v.status,
        effective_from=v.effective_from,
        effective_until=v.effective_until,
        published_at=v.published_at,
    )
