"""Projects, their documents and monitoring reports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.tables import (
    MethodologyVersion,
    MonitoringReport,
    Organisation,
    Project,
    ProjectDocument,
    StoredFile,
)


class ProjectRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: Project | ProjectDocument | MonitoringReport) -> None:
        self.session.add(row)

    async def get(
        self, project_id: str, *, org_id: str | None = None, for_update: bool = False
    ) -> Project | None:
        """A project (of that organisation only, when org_id is given); FOR UPDATE locks it."""
        stmt = select(Project).where(Project.id == project_id)
        if org_id is not None:
            stmt = stmt.where(Project.org_id == org_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def of_org(self, org_id: str, *, after: str | None, limit: int) -> list[Project]:
        stmt = select(Project).where(Project.org_id == org_id).order_by(Project.id).limit(limit)
        if after:
            stmt = stmt.where(Project.id > after)
        return list((await self.session.execute(stmt)).scalars())

    async def by_status(
        self, status: str | None, *, after: tuple[datetime, str] | None, limit: int
    ) -> list[Project]:
        """Oldest waiting first: by submission (creation for drafts), then id."""
        since = func.coalesce(Project.submitted_at, Project.created_at)
        stmt = select(Project).order_by(since, Project.id).limit(limit)
        if status:
            stmt = stmt.where(Project.status == status)
        if after:
            stmt = stmt.where(tuple_(since, Project.id) > tuple_(*after))
        return list((await self.session.execute(stmt)).scalars())

    async def lock_methodology(self, methodology_id: str) -> MethodologyVersion | None:
        """Registrations under one methodology take their sequence numbers one at a time."""
        stmt = (
            select(MethodologyVersion)
            .where(MethodologyVersion.id == methodology_id)
            .with_for_update()
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def codes_like(self, prefix: str) -> list[str]:
        stmt = select(Project.code).where(Project.code.startswith(prefix, autoescape=True))
        return [c for c in (await self.session.execute(stmt)).scalars() if c]

    async def registered(
        self, *, code: str | None = None, after: str | None = None, limit: int = 1
    ) -> list[tuple[Project, str, MethodologyVersion]]:
        """Registered projects by code, with the owner's name and the methodology version."""
        stmt = (
            select(Project, Organisation.name, MethodologyVersion)
            .join(Organisation, Organisation.id == Project.org_id)
            .join(MethodologyVersion, MethodologyVersion.id == Project.methodology_id)
            .where(Project.status == "registered")
            .order_by(Project.code)
            .limit(limit)
        )
        if code is not None:
            stmt = stmt.where(Project.code == code)
        if after:
            stmt = stmt.where(Project.code > after)
        return [(p, n, m) for p, n, m in (await self.session.execute(stmt)).all()]

    async def documents(self, project_id: str) -> list[tuple[ProjectDocument, int, str]]:
        """The project's documents with each file's size and content type, oldest first."""
        stmt = (
            select(ProjectDocument, StoredFile.size, StoredFile.content_type)
            .join(StoredFile, StoredFile.sha256 == ProjectDocument.sha256)
            .where(ProjectDocument.project_id == project_id)
            .order_by(ProjectDocument.id)
        )
        return [(d, s, t) for d, s, t in (await self.session.execute(stmt)).all()]

    async def document_file(
        self, project_id: str, document_id: str
    ) -> tuple[ProjectDocument, StoredFile] | None:
        stmt = (
            select(ProjectDocument, StoredFile)
            .join(StoredFile, StoredFile.sha256 == ProjectDocument.sha256)
            .where(ProjectDocument.project_id == project_id, ProjectDocument.id == document_id)
        )
        row = (await self.session.execute(stmt)).first()
        return (row[0], row[1]) if row else None

    async def org_hashes(self, org_id: str, hashes: list[str]) -> set[str]:
        """Which of these files are attached to a project of that organisation already."""
        stmt = (
            select(ProjectDocument.sha256)
            .join(Project, Project.id == ProjectDocument.project_id)
            .where(Project.org_id == org_id, ProjectDocument.sha256.in_(hashes))
        )
        return set((await self.session.execute(stmt)).scalars())

    async def report(
        self, report_id: str, *, verifier_org_id: str | None = None, for_update: bool = False
    ) -> MonitoringReport | None:
        stmt = select(MonitoringReport).where(MonitoringReport.id == report_id)
        if verifier_org_id is not None:
            stmt = stmt.where(MonitoringReport.verifier_org_id == verifier_org_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def live_periods(self, project_id: str) -> list[tuple[str, date, date]]:
        """(id, start, end) of the project's reports that are not rejected."""
        stmt = (
            select(MonitoringReport.id, MonitoringReport.period_start, MonitoringReport.period_end)
            .where(MonitoringReport.project_id == project_id, MonitoringReport.status != "rejected")
            .order_by(MonitoringReport.period_start)
        )
        return [(i, s, e) for i, s, e in (await self.session.execute(stmt)).all()]

    async def reports(
        self,
        *,
        project_id: str | None = None,
        verifier_org_id: str | None = None,
        status: str | None = None,
        after: str | None,
        limit: int,
    ) -> list[MonitoringReport]:
        stmt = select(MonitoringReport).order_by(MonitoringReport.id).limit(limit)
        if project_id is not None:
            stmt = stmt.where(MonitoringReport.project_id == project_id)
        if verifier_org_id is not None:
            stmt = stmt.where(MonitoringReport.verifier_org_id == verifier_org_id)
        if status:
            stmt = stmt.where(MonitoringReport.status == status)
        if after:
            stmt = stmt.where(MonitoringReport.id > after)
        return list((await self.session.execute(stmt)).scalars())
