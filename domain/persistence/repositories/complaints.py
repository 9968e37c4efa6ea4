"""Complaints: by filer and as the staff queue (paged, with the SLA breach test in SQL), their
steps and attachments, what a reference may point at, and the working-day overrides."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import (
    Complaint,
    ComplaintAttachment,
    ComplaintStep,
    StoredFile,
    Trip,
    Voucher,
    WorkingDayOverride,
)


def breached_at(now: datetime) -> ColumnElement[bool]:
    """A clock ran out: unanswered (unresolved) at its due instant, or answered (resolved) late."""
    c = Complaint
    return or_(
        and_(c.responded_at.is_(None), c.response_due_at <= now),
        and_(c.responded_at.is_not(None), c.responded_at > c.response_due_at),
        and_(c.resolved_at.is_(None), c.resolution_due_at <= now),
        and_(c.resolved_at.is_not(None), c.resolved_at > c.resolution_due_at),
    )  # never NULL, so that NOT(...) lists the complaints on time


class ComplaintRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(
        self, row: Complaint | ComplaintStep | ComplaintAttachment | WorkingDayOverride
    ) -> None:
        self.session.add(row)

    async def get(self, complaint_id: str, *, for_update: bool = False) -> Complaint | None:
        stmt = select(Complaint).where(Complaint.id == complaint_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def steps(self, complaint_id: str) -> list[ComplaintStep]:
        stmt = (
            select(ComplaintStep)
            .where(ComplaintStep.complaint_id == complaint_id)
            .order_by(ComplaintStep.created_at, ComplaintStep.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def steps_of(self, complaint_ids: list[str]) -> dict[str, list[ComplaintStep]]:
        """The steps of several complaints at once (a page of them), in order."""
        found: dict[str, list[ComplaintStep]] = {i: [] for i in complaint_ids}
        if not complaint_ids:
            return found
        stmt = (
            select(ComplaintStep)
            .where(ComplaintStep.complaint_id.in_(complaint_ids))
            .order_by(ComplaintStep.created_at, ComplaintStep.id)
        )
        for row in (await self.session.execute(stmt)).scalars():
            found[row.complaint_id].append(row)
        return found

    async def attachments(self, complaint_id: str) -> list[tuple[ComplaintAttachment, int, str]]:
        """Each attachment with its file's size and content type (not its content)."""
        stmt = (
            select(ComplaintAttachment, StoredFile.size, StoredFile.content_type)
            .join(StoredFile, StoredFile.sha256 == ComplaintAttachment.sha256)
            .where(ComplaintAttachment.complaint_id == complaint_id)
            .order_by(ComplaintAttachment.created_at, ComplaintAttachment.id)
        )
        return [(a, s, t) for a, s, t in (await self.session.execute(stmt)).all()]

    async def attachment_file(
        self, complaint_id: str, attachment_id: str
    ) -> tuple[ComplaintAttachment, StoredFile] | None:
        stmt = (
            select(ComplaintAttachment, StoredFile)
            .join(StoredFile, StoredFile.sha256 == ComplaintAttachment.sha256)
            .where(
                ComplaintAttachment.complaint_id == complaint_id,
                ComplaintAttachment.id == attachment_id,
            )
        )
        row = (await self.session.execute(stmt)).first()
        return None if row is None else (row[0], row[1])

    async def of_filer(
        self, filer_type: str, filer_id: str, *, before: tuple[datetime, str] | None, limit: int
    ) -> list[Complaint]:
        """A filer's complaints, newest first."""
        stmt = (
            select(Complaint)
            .where(Complaint.filer_type == filer_type, Complaint.filer_id == filer_id)
            .order_by(Complaint.filed_at.desc(), Complaint.id.desc())
            .limit(limit)
        )
        if before is not None:
            at, ident = before
            stmt = stmt.where(
                or_(
                    Complaint.filed_at < at,
                    and_(Complaint.filed_at == at, Complaint.id < ident),
                )
            )
        return list((await self.session.execute(stmt)).scalars())

    async def queue(
        self,
        now: datetime,
        *,
        status: str | None,
        breached: bool | None,
        category: str | None,
        assignee_id: str | None,
        after: tuple[datetime, str] | None,
        limit: int,
    ) -> list[Complaint]:
        """The staff queue, oldest first (the first filed is the first due)."""
        stmt = select(Complaint).order_by(Complaint.filed_at, Complaint.id).limit(limit)
        if status == "unresolved":
            stmt = stmt.where(Complaint.status != "resolved")
        elif status is not None:
            stmt = stmt.where(Complaint.status == status)
        if breached is not None:
            test = breached_at(now)
            stmt = stmt.where(test if breached else ~test)
        if category is not None:
            stmt = stmt.where(Complaint.category == category)
        if assignee_id is not None:
            stmt = stmt.where(Complaint.assignee_id == assignee_id)
        if after is not None:
            at, ident = after
            stmt = stmt.where(
                or_(Complaint.filed_at > at, and_(Complaint.filed_at == at, Complaint.id > ident))
            )
        return list((await self.session.execute(stmt)).scalars())

    async def counts(self, now: datetime) -> tuple[int, int]:
        """(unresolved complaints, unresolved complaints in breach of a clock)."""
        unresolved = Complaint.status != "resolved"
        n_open = await self.session.scalar(select(func.count()).where(unresolved))
        n_breached = await self.session.scalar(
            select(func.count()).where(unresolved, breached_at(now))
        )
        return int(n_open or 0), int(n_breached or 0)

    async def open_with_ref(
        self, filer_type: str, filer_id: str, ref_type: str, ref_id: str
    ) -> Complaint | None:
        stmt = select(Complaint).where(
            Complaint.filer_type == filer_type,
            Complaint.filer_id == filer_id,
            Complaint.ref_type == ref_type,
            Complaint.ref_id == ref_id,
            Complaint.status != "resolved",
        )
        return (await self.session.execute(stmt.limit(1))).scalar_one_or_none()

    async def unresolved(self, *, for_update: bool = False) -> list[Complaint]:
        stmt = select(Complaint).where(Complaint.status != "resolved").order_by(Complaint.id)
        if for_update:
            stmt = stmt.with_for_update()
        return list((await self.session.execute(stmt)).scalars())

    # --- what a reference may point at --------------------------------------------------------

    async def trip_of_citizen(self, citizen_id: str, trip_id: str) -> Trip | None:
        stmt = select(Trip).where(Trip.id == trip_id, Trip.citizen_id == citizen_id)
        stmt = stmt.with_for_update()  # filings about one trip queue here: one stays open
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def voucher_of_citizen(self, citizen_id: str, voucher_id: str) -> Voucher | None:
        stmt = select(Voucher).where(Voucher.id == voucher_id, Voucher.citizen_id == citizen_id)
        stmt = stmt.with_for_update()  # filings about one voucher queue here: one stays open
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def voucher_of_merchant(self, merchant_id: str, voucher_id: str) -> Voucher | None:
        stmt = select(Voucher).where(Voucher.id == voucher_id, Voucher.merchant_id == merchant_id)
        stmt = stmt.with_for_update()  # filings about one voucher queue here: one stays open
        return (await self.session.execute(stmt)).scalar_one_or_none()

    # --- erasure ------------------------------------------------------------------------------

    async def blank_of_citizen(self, citizen_id: str) -> None:
        """An erased citizen's words go: complaint texts, rating comments, the steps they wrote."""
        mine = and_(Complaint.filer_type == "citizen", Complaint.filer_id == citizen_id)
        await self.session.execute(
            update(Complaint).where(mine).values(text="", rating_comment=None)
        )
        await self.session.execute(
            update(ComplaintStep)
            .where(ComplaintStep.actor_type == "citizen", ComplaintStep.actor_id == citizen_id)
            .values(text=None)
        )
        await self.session.execute(
            delete(ComplaintAttachment).where(
                ComplaintAttachment.complaint_id.in_(select(Complaint.id).where(mine))
            )
        )

    # --- working-day overrides ----------------------------------------------------------------

    async def overrides(self, since: date | None = None) -> dict[date, bool]:
        stmt = select(WorkingDayOverride.day, WorkingDayOverride.working)
        if since is not None:
            stmt = stmt.where(WorkingDayOverride.day >= since)
        return {d: bool(w) for d, w in (await self.session.execute(stmt)).all()}

    async def override_rows(
        self, first: date | None, last: date | None
    ) -> list[WorkingDayOverride]:
        stmt = select(WorkingDayOverride).order_by(WorkingDayOverride.day)
        if first is not None:
            stmt = stmt.where(WorkingDayOverride.day >= first)
        if last is not None:
            stmt = stmt.where(WorkingDayOverride.day <= last)
        return list((await self.session.execute(stmt)).scalars())

    async def override(self, day: date) -> WorkingDayOverride | None:
        return await self.session.get(WorkingDayOverride, day)

    async def drop_override(self, row: WorkingDayOverride) -> None:
        await self.session.delete(row)
