"""Issuance, four eyes: one staff member proposes the tonnes of a verified report (or of an
aggregation of citizens' reductions), a different one approves and the units come into being.

Approval gives the issuance the next number of its project code, one block of serials
1..quantity in the receiving account, one `issue` movement and one chained `reg_issue` posting,
all in the request's transaction. A report or an aggregation is issued at most once: the unique
columns of `issuances` refuse a second proposal even when two race.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.errors import Conflict, InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.ids import new_id
from domain.persistence.tables import Issuance as IssuanceRow
from domain.persistence.uow import UnitOfWork
from domain.registry import postings, store
from domain.registry.accounts import (
    ISSUED_FROM,
    PUBLIC_BEHAVIOUR,
    aggregation_project_code,
    org_account_id,
)
from domain.registry.movements import Movement, issue
from domain.registry.periods import lapsed, lapses_at


def _summary(i: IssuanceRow) -> dict[str, Any]:
    return {
        "project_code": i.project_code,
        "issuance_no": i.issuance_no,
        "vintage": i.vintage,
        "unit_class": i.unit_class,
        "quantity": i.quantity,
        "account_id": i.account_id,
        "status": i.status,
    }


async def _from_report(uow: UnitOfWork, report_id: str) -> dict[str, Any]:
    report = await uow.registry.report(report_id)
    if report is None:
        raise NotFound("no such monitoring report", code="report_not_found", field="report_id")
    if report.status != "verified" or not report.verified_t:
        raise Conflict(
            f"the report is {report.status}, with no verified tonnes to issue",
            code="report_not_verified",
        )
    project = await uow.registry.project(report.project_id)
    if project is None or project.status != "registered" or not project.code:
        raise Conflict("the report's project is not registered", code="project_not_registered")
    version = await uow.registry.methodology_version(project.methodology_id)
    if version is None:  # the foreign key makes this impossible; say so plainly if it happens
        raise Conflict("the project's methodology version is missing", code="methodology_missing")
    account = org_account_id(project.org_id)
    if await uow.registry.account(account) is None:
        raise Conflict("the project owner has no registry account", code="account_missing")
    return {
        "report_id": report.id,
        "project_id": project.id,
        "project_code": project.code,
        "vintage": report.period_end.year,
        "unit_class": version.methodology_class,
        "quantity": report.verified_t,
        "account_id": account,
    }


async def _from_aggregation(uow: UnitOfWork, aggregation_id: str, now: datetime) -> dict[str, Any]:
    aggregation = await uow.registry.aggregation(aggregation_id)
    if aggregation is None:
        raise NotFound("no such aggregation", code="aggregation_not_found", field="aggregation_id")
    if aggregation.tonnes <= 0:
        raise Conflict("the aggregation holds no whole tonne to issue", code="nothing_to_issue")
    _refuse_lapsed(aggregation.vintage, now)
    return {
        "aggregation_id": aggregation.id,
        "project_id": None,
        "project_code": aggregation_project_code(aggregation.methodology_code),
        "vintage": aggregation.vintage,
        "unit_class": "I",
        "quantity": aggregation.tonnes,
        "account_id": PUBLIC_BEHAVIOUR,
    }


async def propose(
    uow: UnitOfWork,
    actor: Actor,
    *,
    report_id: str | None = None,
    aggregation_id: str | None = None,
    now: datetime,
) -> IssuanceRow:
    """Propose issuing a verified report's tonnes, or an aggregation's (exactly one of them)."""
    if (report_id is None) == (aggregation_id is None):
        raise InvalidInput(
            "name exactly one of report_id and aggregation_id",
            code="one_source_required",
            field="report_id",
        )
    if report_id is not None:
        source = await _from_report(uow, report_id)
    else:
        source = await _from_aggregation(uow, aggregation_id, now)  # type: ignore[arg-type]
    row = {
        "report_id": None,
        "aggregation_id": None,
        **source,
        "id": new_id(),
        "issuance_no": None,
        "status": "proposed",
        "proposed_by": actor.id,
        "proposed_at": now,
        "decided_by": None,
        "decided_at": None,
        "reason": None,
    }
    proposal = await uow.registry.insert_issuance(row)
    if proposal is None:
        return await _propose_again(uow, actor, row, now)
    record(uow, actor, "issuance.propose", "issuance", proposal.id, None, _summary(proposal), now)
    return proposal


async def _propose_again(uow: UnitOfWork, actor: Actor, row: dict, now: datetime) -> IssuanceRow:
    """A source has one issuance row (the unique columns): a rejected proposal is proposed
    again in that same row, with the source's figures as they are now; anything else is a 409."""
    existing = await uow.registry.issuance_of(
        report_id=row["report_id"], aggregation_id=row["aggregation_id"], for_update=True
    )
    if existing is None or existing.status != "rejected":
        raise Conflict(
            "this report or aggregation already has an issuance", code="already_proposed"
        )
    before = _summary(existing)
    for field in ("project_id", "project_code", "vintage", "unit_class", "quantity", "account_id"):
        setattr(existing, field, row[field])
    existing.status, existing.proposed_by, existing.proposed_at = "proposed", actor.id, now
    existing.decided_by = existing.decided_at = existing.reason = None
    record(uow, actor, "issuance.propose", "issuance", existing.id, before, _summary(existing), now)
    return existing


async def decide(
    uow: UnitOfWork,
    actor: Actor,
    issuance_id: str,
    *,
    approve: bool,
    reason: str | None = None,
    now: datetime,
) -> IssuanceRow:
    """Approve (issue the units) or reject (with a reason) another staff member's proposal."""
    issuance = await uow.registry.issuance(issuance_id, for_update=True)
    if issuance is None:
        raise NotFound("no such issuance", code="issuance_not_found")
    if issuance.status != "proposed":
        raise Conflict(f"the issuance is already {issuance.status}", code="already_decided")
    if issuance.proposed_by == actor.id:
        raise Conflict("a different staff member must decide", code="four_eyes")
    if approve and issuance.aggregation_id is not None:
        _refuse_lapsed(issuance.vintage, now)
    if not approve and not (reason and reason.strip()):
        raise InvalidInput("a reason is required", code="reason_required", field="reason")
    before = _summary(issuance)
    issuance.decided_by = actor.id
    issuance.decided_at = now
    if approve:
        await _issue(uow, issuance, actor, now)
    else:
        issuance.status = "rejected"
        issuance.reason = (reason or "").strip()
    action = "issuance.approve" if approve else "issuance.reject"
    record(uow, actor, action, "issuance", issuance.id, before, _summary(issuance), now)
    return issuance


def _refuse_lapsed(vintage: int, now: datetime) -> None:
    """Aggregated grams never issued lapse with the points of their year (METHODOLOGY.md)."""
    if lapsed(vintage, now):
        raise Conflict(
            f"the {vintage} aggregated reductions lapsed at {lapses_at(vintage).isoformat()} "
            "with that year's points",
            code="aggregation_lapsed",
        )


async def _issue(uow: UnitOfWork, issuance: IssuanceRow, actor: Actor, now: datetime) -> None:
    project = None
    if issuance.project_id is not None:
        project = await uow.registry.project(issuance.project_id, for_update=True)
    # the holder's lock also serializes numbering where no project row exists (aggregations)
    holder = (await postings.lock_holders(uow, [issuance.account_id], now))[issuance.account_id]
    used = await uow.registry.last_issuance_no(issuance.project_code)
    number = max(used, project.issuances if project is not None else 0) + 1
    if project is not None:
        project.issuances = number
    issuance.issuance_no = number
    issuance.status = "issued"
    serials = store.serials_of(issuance)
    block = issue(serials, issuance.quantity, to=issuance.account_id)
    movement_id = new_id()
    await store.record(
        uow,
        Movement(closed=(), received=(block,), kept=()),
        {serials: issuance.id},
        movement_id=movement_id,
        kind="issue",
        from_account=ISSUED_FROM,
        to_account=issuance.account_id,
        actor=f"staff:{actor.id}",
        now=now,
        issuance_id=issuance.id,
    )
    row = postings.issue_row(holder, issuance.quantity, movement_id, now)
    await postings.write(uow, [row], [holder])


async def get(uow: UnitOfWork, issuance_id: str) -> IssuanceRow:
    found = await uow.registry.issuance(issuance_id)
    if found is None:
        raise NotFound("no such issuance", code="issuance_not_found")
    return found
