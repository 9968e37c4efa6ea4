"""/v1/public/notices: published policies, rules and announcements (no sign-in)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from litestar import Controller, get

from api import cursors
from api.schemas import CURSOR, LIMIT, Page, page_of
from api.shared.notices import NoticeOut, out
from domain.clock import shanghai_date
from domain.governance import notices
from domain.persistence.uow import UnitOfWork


class PublicNoticeController(Controller):
    path = "/v1/public/notices"
    tags = ["public"]

    @get(
        "/",
        summary="The latest published version of each notice (in force or upcoming), "
        "newest effective date first",
    )
    async def list_notices(
        self,
        uow: UnitOfWork,
        now: datetime,
        kind: Literal["policy", "rule", "announcement"] | None = None,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
    ) -> Page[NoticeOut]:
        rows = await notices.public_list(
            uow, shanghai_date(now), kind=kind, after=cursors.decode_id(cursor), limit=limit + 1
        )
        page = page_of(rows, limit, lambda p: cursors.encode(p.latest.id))
        return Page(
            items=[out(p.latest, p.in_force) for p in page.items], next_cursor=page.next_cursor
        )

    @get("/{notice_id:str}", summary="A notice's published versions, newest first")
    async def history(self, notice_id: str, uow: UnitOfWork) -> list[NoticeOut]:
        return [out(v) for v in await notices.public_history(uow, notice_id)]


CONTROLLERS: list[type] = [PublicNoticeController]
