"""Notices (公告): policies, rules and announcements, drafted by staff and published by an admin
with a version number and an effective date. Published versions are public; drafts never are."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.ids import new_id
from domain.persistence.tables import NoticeVersion, Review
from domain.persistence.uow import UnitOfWork

KINDS = ("policy", "rule", "announcement")
MAX_TITLE = 200
MAX_BODY = 20_000
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")


def _snapshot(v: NoticeVersion) -> dict[str, Any]:
    return {
        "notice_id": v.notice_id,
        "kind": v.kind,
        "version": v.version,
        "title": v.title,
        "status": v.status,
        "effective_from": v.effective_from.isoformat(),
    }


def _check_text(title: str, body: str) -> tuple[str, str]:
    title = title.strip()
    if not 1 <= len(title) <= MAX_TITLE:
        raise InvalidInput(
            f"title: 1 to {MAX_TITLE} characters", code="invalid_title", field="title"
        )
    if not body.strip() or len(body) > MAX_BODY:
        raise InvalidInput(f"body: 1 to {MAX_BODY} characters", code="invalid_body", field="body")
    return title, body


async def _version(uow: UnitOfWork, notice_id: str, number: int) -> NoticeVersion:
    for v in await uow.notices.versions(notice_id, for_update=True):
        if v.version == number:
            return v
    raise NotFound("no such notice version", code="notice_not_found")


async def review_state(uow: UnitOfWork, v: NoticeVersion) -> tuple[str, Review | None]:
    """Where a rule's version stands with its expert review: `none` (none opened since it was
    drafted: it may be published), the review's own `open | rejected | revise`, `passed`, or
    `edited` (passed, but the draft was edited after the decision)."""
    review = await uow.experts.latest_review("rule", v.notice_id)
    if review is None or review.created_at < v.created_at:
        return "none", None
    if review.status != "passed":
        return review.status, review
    if review.decided_at is not None and v.updated_at > review.decided_at:
        return "edited", review
    return "passed", review


async def _check_review(uow: UnitOfWork, v: NoticeVersion) -> None:
    """A rule's draft needs no review, but when staff opened one for it (subject `rule`, subject
    id the notice_id, opened since this version was drafted) the latest must have passed, and
    the draft must not have been edited since it was decided."""
    state, review = await review_state(uow, v)
    if state in ("none", "passed"):
        return
    assert review is not None
    if state == "edited":
        raise Conflict(
            "the draft was edited after its expert review passed; open a new review",
            code="edited_after_review",
            review_id=review.id,
        )
    raise Conflict(
        "the expert review opened for this rule has not passed",
        code="review_not_passed",
        review_id=review.id,
    )


@dataclass(frozen=True)
class StaffNotice:
    version: NoticeVersion
    review_state: str | None  # a rule's draft: see review_state; otherwise None
    review_id: str | None


async def staff_list(uow: UnitOfWork, notice_id: str | None = None) -> list[StaffNotice]:
    """Every version (of one notice, or of all), drafts included; a rule's draft with where it
    stands with its expert review (what publishing it waits on)."""
    versions = await (uow.notices.versions(notice_id) if notice_id else uow.notices.all())
    if notice_id is not None and not versions:
        raise NotFound("no such notice", code="notice_not_found")
    out = []
    for v in versions:
        state, review = (None, None)
        if v.kind == "rule" and v.status == "draft":
            state, review = await review_state(uow, v)
        out.append(StaffNotice(v, state, review.id if review else None))
    return out


async def create(
    uow: UnitOfWork,
    actor: Actor,
    *,
    notice_id: str,
    kind: str,
    title: str,
    body: str,
    effective_from: date,
    now: datetime,
) -> NoticeVersion:
    """Version 1 of a new notice, or the next draft version of an existing one (same kind)."""
    if not SLUG.match(notice_id):
        raise InvalidInput(
            "notice_id: lower-case letters, digits and dashes (2 to 64)",
            code="invalid_notice_id",
            field="notice_id",
        )
    if kind not in KINDS:
        raise InvalidInput("kind: policy, rule or announcement", code="invalid_kind", field="kind")
    title, body = _check_text(title, body)
    existing = await uow.notices.versions(notice_id, for_update=True)
    if existing and existing[0].kind != kind:
        raise Conflict("a notice keeps its kind", code="notice_kind_mismatch", field="kind")
    if any(v.status == "draft" for v in existing):
        raise Conflict("this notice already has a draft; edit it", code="notice_draft_exists")
    version = NoticeVersion(
        id=new_id(),
        notice_id=notice_id,
        kind=kind,
        version=len(existing) + 1,
        title=title,
        body=body,
        status="draft",
        effective_from=effective_from,
        created_by=actor.id,
        created_at=now,
        updated_at=now,
        published_by=None,
        published_at=None,
    )
    uow.notices.add(version)
    record(uow, actor, "notice.draft", "notice", notice_id, None, _snapshot(version), now)
    return version


async def edit(
    uow: UnitOfWork,
    actor: Actor,
    notice_id: str,
    number: int,
    *,
    title: str,
    body: str,
    effective_from: date,
    now: datetime,
) -> NoticeVersion:
    v = await _version(uow, notice_id, number)
    if v.status != "draft":
        raise Conflict("only a draft can be edited", code="notice_not_draft")
    title, body = _check_text(title, body)
    before = _snapshot(v)
    v.title, v.body, v.effective_from, v.updated_at = title, body, effective_from, now
    record(uow, actor, "notice.edit", "notice", notice_id, before, _snapshot(v), now)
    return v


async def publish(
    uow: UnitOfWork, actor: Actor, notice_id: str, number: int, now: datetime
) -> NoticeVersion:
    """draft -> published (admins only); it is in force from its effective date."""
    if actor.role != "admin":
        raise Forbidden("only an admin publishes notices", code="role_required")
    v = await _version(uow, notice_id, number)
    if v.status != "draft":
        raise Conflict("only a draft can be published", code="notice_not_draft")
    if v.kind == "rule":
        await _check_review(uow, v)
    before = _snapshot(v)
    v.status, v.published_by, v.published_at, v.updated_at = "published", actor.id, now, now
    record(uow, actor, "notice.publish", "notice", notice_id, before, _snapshot(v), now)
    return v


async def withdraw(
    uow: UnitOfWork, actor: Actor, notice_id: str, number: int, now: datetime
) -> NoticeVersion:
    """published -> withdrawn (admins only): no longer listed in public."""
    if actor.role != "admin":
        raise Forbidden("only an admin withdraws notices", code="role_required")
    v = await _version(uow, notice_id, number)
    if v.status != "published":
        raise Conflict("only a published version can be withdrawn", code="notice_not_published")
    before = _snapshot(v)
    v.status, v.updated_at = "withdrawn", now
    record(uow, actor, "notice.withdraw", "notice", notice_id, before, _snapshot(v), now)
    return v


@dataclass(frozen=True)
class PublicNotice:
    latest: NoticeVersion
    in_force: bool  # False: upcoming (effective_from after today)


async def public_list(
    uow: UnitOfWork,
    today: date,
    *,
    kind: str | None = None,
    after: str | None = None,
    limit: int,
) -> list[PublicNotice]:
    """Up to `limit` of the latest published version of each notice, newest effective date
    first; `after`: the id of the last version on the previous page (paged in the database)."""
    position = None
    if after is not None:
        last = await uow.notices.get(after)
        if last is None:
            raise InvalidInput("cursor is not one we issued", code="invalid_cursor")
        position = (last.effective_from, last.notice_id)
    rows = await uow.notices.latest_published(kind=kind, after=position, limit=limit)
    return [PublicNotice(v, v.effective_from <= today) for v in rows]


async def public_history(uow: UnitOfWork, notice_id: str) -> list[NoticeVersion]:
    """A notice's published versions, newest first (404 if none is public)."""
    versions = [v for v in await uow.notices.versions(notice_id) if v.status == "published"]
    if not versions:
        raise NotFound("no such notice", code="notice_not_found")
    return sorted(versions, key=lambda v: v.version, reverse=True)
