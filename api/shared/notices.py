"""A notice version as the API shows it (staff and public)."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from domain.persistence.tables import NoticeVersion


class NoticeOut(msgspec.Struct):
    notice_id: str
    kind: str  # policy | rule | announcement
    version: int
    title: str
    body: str
    status: str  # draft | published | withdrawn
    effective_from: date
    published_at: datetime | None
    in_force: bool | None = None  # public list: False while upcoming


def out(v: NoticeVersion, in_force: bool | None = None) -> NoticeOut:
    return NoticeOut(
        notice_id=v.notice_id,
        kind=v.kind,
        version=v.version,
        title=v.title,
        body=v.body,
        status=v.status,
        effective_from=v.effective_from,
        published_at=v.published_at,
        in_force=in_force,
    )


class StaffNoticeOut(msgspec.Struct):
    notice_id: str
    kind: str
    version: int
    title: str
    body: str
    status: str
    effective_from: date
    created_by: str
    created_at: datetime
    published_by: str | None
    published_at: datetime | None
    updated_at: datetime | None = None  # the draft's last edit (a passed review must be later)
    # a rule's draft: none | open | passed | edited | rejected | revise (publishing needs none
    # or passed), and the review's id
    review_state: str | None = None
    review_id: str | None = None


def staff_out(
    v: NoticeVersion, review_state: str | None = None, review_id: str | None = None
) -> StaffNoticeOut:
    return StaffNoticeOut(
        notice_id=v.notice_id,
        kind=v.kind,
        version=v.version,
        title=v.title,
        body=v.body,
        status=v.status,
        effective_from=v.effective_from,
        created_by=v.created_by,
        created_at=v.created_at,
        published_by=v.published_by,
        published_at=v.published_at,
        updated_at=v.updated_at,
        review_state=review_state,
        review_id=review_id,
    )
