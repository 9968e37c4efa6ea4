"""Methodology versions: draft -> in_review -> published -> retired, one in force per code."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.clock import instant
from domain.errors import Conflict, InvalidInput, NotFound
from domain.experts import reviews
from domain.governance.audit import Actor, record
from domain.ids import new_id
from domain.methodology import project_params
from domain.methodology.params import from_json, to_json, validate
from domain.persistence.tables import MethodologyVersion
from domain.persistence.uow import UnitOfWork

CLASSES = ("I", "II")
SCOPES = ("travel", "project")


def summary(v: MethodologyVersion) -> dict[str, Any]:
    return {
        "code": v.code,
        "version": v.version,
        "status": v.status,
        "effective_from": v.effective_from.isoformat() if v.effective_from else None,
        "effective_until": v.effective_until.isoformat() if v.effective_until else None,
    }


def _checked_params(params: dict[str, Any], scope: str = "travel") -> dict[str, Any]:
    if scope == "project":
        return project_params.checked(params)
    try:
        parsed = from_json(params)
    except InvalidInput:
        raise
    except Exception as exc:  # msgspec validation of the shape
        raise InvalidInput(f"parameters: {exc}", code="invalid_methodology") from exc
    validate(parsed)
    return to_json(parsed)


def _audit(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    version: MethodologyVersion,
    before: dict[str, Any] | None,
    now: datetime,
) -> None:
    record(uow, actor, action, "methodology", version.id, before, summary(version), now)


def _checked_class(methodology_class: str) -> str:
    if methodology_class not in CLASSES:
        raise InvalidInput("methodology_class must be I or II", code="invalid_methodology")
    return methodology_class


async def create_draft(
    uow: UnitOfWork,
    actor: Actor,
    *,
    code: str,
    title: str,
    methodology_class: str,
    params: dict[str, Any],
    description: str,
    now: datetime,
    scope: str = "travel",
) -> MethodologyVersion:
    """A new draft version of `code`. A code keeps one scope: travel methodologies drive the
    crediting formula, project ones are what organisations register projects under."""
    methodology_class = _checked_class(methodology_class)
    if scope not in SCOPES:
        raise InvalidInput("scope must be travel or project", code="invalid_methodology")
    existing = await uow.methodologies.versions(code, for_update=True)
    if existing and existing[0].scope != scope:
        raise Conflict(
            f"{code} is a {existing[0].scope} methodology: its versions keep that scope",
            code="scope_mismatch",
        )
    version = MethodologyVersion(
        id=new_id(),
        code=code,
        version=max((v.version for v in existing), default=0) + 1,
        methodology_class=methodology_class,
        scope=scope,
        title=title,
        description=description,
        params=_checked_params(params, scope),
        status="draft",
        created_at=now,
    )
    uow.methodologies.add(version)
    _audit(uow, actor, "methodology.create", version, None, now)
    return version


async def _get(uow: UnitOfWork, version_id: str) -> MethodologyVersion:
    version = await uow.methodologies.get(version_id)
    if version is None:
        raise NotFound("no such methodology version", code="methodology_not_found")
    return version


async def update_draft(
    uow: UnitOfWork, actor: Actor, version_id: str, changes: dict[str, Any], now: datetime
) -> MethodologyVersion:
    version = await _get(uow, version_id)
    if version.status != "draft":
        raise Conflict("only drafts can be edited", code="not_a_draft")
    before = summary(version)
    if "params" in changes:
        version.params = _checked_params(changes["params"], version.scope)
    for field in ("title", "description"):
        if field in changes:
            setattr(version, field, changes[field])
    if "methodology_class" in changes:
        version.methodology_class = _checked_class(changes["methodology_class"])
    _audit(uow, actor, "methodology.update", version, before, now)
    return version


async def submit(
    uow: UnitOfWork, actor: Actor, version_id: str, now: datetime
) -> MethodologyVersion:
    version = await _get(uow, version_id)
    if version.status != "draft":
        raise Conflict("only a draft can be submitted for review", code="not_a_draft")
    before = summary(version)
    version.status = "in_review"
    _audit(uow, actor, "methodology.submit", version, before, now)
    return version


async def publish(
    uow: UnitOfWork, actor: Actor, version_id: str, effective_from: datetime | None, now: datetime
) -> MethodologyVersion:
    """Publish from `effective_from` (now or later: history is never rewritten), once the
    version's latest expert review has passed."""
    version = await _get(uow, version_id)
    if version.status != "in_review":
        raise Conflict("only a version in review can be published", code="not_in_review")
    start = now if effective_from is None else instant(effective_from, "effective_from")
    if start < now:
        raise InvalidInput("effective_from must not be in the past", code="effective_in_past")
    if not await reviews.passed(uow, "methodology", version.id):
        raise Conflict(
            "publishing needs a passed expert review of this version (POST /v1/admin/reviews)",
            code="review_required",
        )
    siblings = await uow.methodologies.versions(version.code, for_update=True)
    live = [v for v in siblings if v.status == "published" and v.id != version.id]
    if any(v.effective_from and v.effective_from >= start for v in live):
        raise Conflict("a later version is already scheduled", code="later_version_scheduled")
    before = summary(version)
    for v in live:  # the version in force at `start` hands over then
        if v.effective_until is None or v.effective_until > start:
            v.effective_until = start
    version.status, version.effective_from, version.published_at = "published", start, now
    _audit(uow, actor, "methodology.publish", version, before, now)
    return version


async def retire(
    uow: UnitOfWork, actor: Actor, version_id: str, now: datetime
) -> MethodologyVersion:
    version = await _get(uow, version_id)
    if version.status != "published":
        raise Conflict("only a published version can be retired", code="not_published")
    before = summary(version)
    version.status = "retired"
    if version.effective_until is None or version.effective_until > now:
        version.effective_until = max(now, version.effective_from or now)
    _audit(uow, actor, "methodology.retire", version, before, now)
    return version
