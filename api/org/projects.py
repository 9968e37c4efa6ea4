"""/v1/org/projects: drafts, documents, submission and monitoring reports, scoped by the caller's
organisation (another organisation's project is 404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import quote

import msgspec
from litestar import Controller, Response, get, patch, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body

from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from api.services import Services
from api.verifier.reports import ReportOut, org_of, report_out
from domain.files.uploads import media_type
from domain.governance.audit import Actor
from domain.identity.principal import Principal, Role
from domain.persistence.tables import Project, ProjectDocument, StoredFile
from domain.persistence.uow import UnitOfWork
from domain.projects import documents, drafts, monitoring, validation

ORG = staff_guard(Role.ORG)
UPLOAD_CEILING = 64 * 1024 * 1024  # the transport's limit; PUHUI_UPLOAD_MAX_BYTES is the rule
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
District = Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
Tonnes = Annotated[int, msgspec.Meta(ge=0, le=10**12)]
Sha256 = Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{64}$")]


class Location(msgspec.Struct, forbid_unknown_fields=True):
    address: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    lat: Annotated[float, msgspec.Meta(ge=-90, le=90)] | None = None
    lon: Annotated[float, msgspec.Meta(ge=-180, le=180)] | None = None


class DocumentRef(msgspec.Struct, forbid_unknown_fields=True):
    """A file already uploaded to another project of your organisation, attached again."""

    name: Title
    sha256: Sha256


class ProjectIn(msgspec.Struct, forbid_unknown_fields=True):
    title: Title
    methodology_code: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    district: District
    location: Location
    crediting_period_start: date
    crediting_period_end: date
    estimated_t_per_year: Tonnes
    description: Annotated[str, msgspec.Meta(max_length=20_000)] = ""
    documents: Annotated[list[DocumentRef], msgspec.Meta(max_length=50)] = []


class ProjectPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Only the fields given change (a draft only)."""

    title: Title | None = None
    district: District | None = None
    location: Location | None = None
    crediting_period_start: date | None = None
    crediting_period_end: date | None = None
    estimated_t_per_year: Tonnes | None = None
    description: Annotated[str, msgspec.Meta(max_length=20_000)] | None = None


class DocumentOut(msgspec.Struct):
    document_id: str
    name: str
    sha256: str
    size: int
    content_type: str
    created_at: datetime


class ProjectOut(msgspec.Struct):
    project_id: str
    org_id: str
    code: str | None  # once registered
    title: str
    methodology_code: str
    methodology_id: str  # the version in force when drafted
    district: str
    location: dict[str, Any]
    crediting_period_start: date
    crediting_period_end: date
    estimated_t_per_year: int
    description: str
    status: str  # draft | submitted | registered | rejected
    reasons: list[str]
    review_id: str | None
    created_at: datetime
    submitted_at: datetime | None
    registered_at: datetime | None


@dataclass
class DocumentUpload:
    file: UploadFile  # its Content-Type: PDF, PNG, JPEG, XLSX, DOCX, CSV, plain text or JSON
    name: str | None = None  # the document's name; the file name when left out


def project_out(p: Project) -> ProjectOut:
    return ProjectOut(
        project_id=p.id, org_id=p.org_id, code=p.code, title=p.title,
        methodology_code=p.methodology_code, methodology_id=p.methodology_id,
        district=p.district, location=p.location,
        crediting_period_start=p.crediting_period_start,
        crediting_period_end=p.crediting_period_end,
        estimated_t_per_year=p.estimated_t_per_year, description=p.description,
        status=p.status, reasons=validation.reasons_of(p), review_id=p.review_id,
        created_at=p.created_at, submitted_at=p.submitted_at, registered_at=p.registered_at,
    )  # fmt: skip


def document_out(d: ProjectDocument, size: int, content_type: str) -> DocumentOut:
    return DocumentOut(
        document_id=d.id, name=d.name, sha256=d.sha256, size=size,
        content_type=content_type, created_at=d.created_at,
    )  # fmt: skip


def file_response(document: ProjectDocument, stored: StoredFile) -> Response[bytes]:
    return Response(
        content=stored.content,
        media_type=stored.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(document.name)}",
            "X-Content-Type-Options": "nosniff",
            "ETag": f'"{stored.sha256}"',
        },
    )


class OrgProjectController(Controller):
    path = "/v1/org/projects"
    tags = ["org"]
    security = [{"BearerToken": []}]
    guards = [ORG]

    @post("/", summary="Draft a project under the methodology version in force")
    async def create(
        self, data: ProjectIn, uow: UnitOfWork, actor: Actor, principal: Principal, now: datetime
    ) -> ProjectOut:
        fields = msgspec.structs.asdict(data)
        fields["location"] = msgspec.to_builtins(data.location)
        del fields["documents"]
        org_id = org_of(principal)
        project = await drafts.create(uow, actor, org_id, **fields, now=now)
        refs = [(d.name, d.sha256) for d in data.documents]
        await documents.reuse(uow, actor, org_id, project, refs, now)
        return project_out(project)

    @get("/", summary="Your organisation's projects")
    async def list_projects(
        self, uow: UnitOfWork, principal: Principal, limit: int = LIMIT, cursor: str | None = CURSOR
    ) -> Page[ProjectOut]:
        rows = await uow.projects.of_org(org_of(principal), after=cursor, limit=limit + 1)
        return page_of([project_out(p) for p in rows], limit, lambda p: p.project_id)

    @get("/{project_id:str}", summary="One of your projects")
    async def show(self, project_id: str, uow: UnitOfWork, principal: Principal) -> ProjectOut:
        return project_out(await drafts.own(uow, org_of(principal), project_id))

    @patch("/{project_id:str}", summary="Edit a draft")
    async def edit(
        self,
        project_id: str,
        data: ProjectPatch,
        uow: UnitOfWork,
        actor: Actor,
        principal: Principal,
        now: datetime,
    ) -> ProjectOut:
        changes = {f: getattr(data, f) for f in data.__struct_fields__}
        changes = {f: v for f, v in changes.items() if v is not None}  # only the fields given
        if data.location is not None:
            changes["location"] = msgspec.to_builtins(data.location)
        project = await drafts.update(uow, actor, org_of(principal), project_id, changes, now)
        return project_out(project)

    @post("/{project_id:str}/submit", status_code=200, summary="Submit for expert validation")
    async def submit(
        self,
        project_id: str,
        uow: UnitOfWork,
        actor: Actor,
        principal: Principal,
        services: Services,
        now: datetime,
    ) -> ProjectOut:
        panel = services.settings.project_review_panel_size
        project = await validation.submit(
            uow, actor, org_of(principal), project_id, panel_size=panel, now=now
        )
        return project_out(project)

    @post(
        "/{project_id:str}/documents",
        request_max_body_size=UPLOAD_CEILING,
        summary="Upload a document (multipart: `file`, optional `name`); bounded in size",
    )
    async def upload(
        self,
        project_id: str,
        data: Annotated[DocumentUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
        uow: UnitOfWork,
        actor: Actor,
        principal: Principal,
        services: Services,
        now: datetime,
    ) -> DocumentOut:
        document, stored = await documents.upload(
            uow,
            actor,
            org_of(principal),
            project_id,
            name=data.name or data.file.filename or "",
            content=await data.file.read(),
            content_type=media_type(data.file.content_type),
            max_bytes=services.settings.upload_max_bytes,
            now=now,
        )
        return document_out(document, stored.size, stored.content_type)

    @get("/{project_id:str}/documents", summary="The project's documents")
    async def list_documents(
        self, project_id: str, uow: UnitOfWork, principal: Principal
    ) -> list[DocumentOut]:
        project = await drafts.own(uow, org_of(principal), project_id)
        return [document_out(*row) for row in await uow.projects.documents(project.id)]

    @get(
        "/{project_id:str}/documents/{document_id:str}",
        summary="Download a document",
        media_type="application/octet-stream",
    )
    async def download(
        self, project_id: str, document_id: str, uow: UnitOfWork, principal: Principal
    ) -> Response[bytes]:
        found = await documents.download(uow, project_id, document_id, org_id=org_of(principal))
        return file_response(*found)


class ReportIn(msgspec.Struct, forbid_unknown_fields=True):
    period_start: date
    period_end: date
    claimed_t: Annotated[int, msgspec.Meta(ge=1, le=10**12)]
    data: dict[str, Any] = {}


class OrgReportController(Controller):
    path = "/v1/org/projects/{project_id:str}/monitoring-reports"
    tags = ["org"]
    security = [{"BearerToken": []}]
    guards = [ORG]

    @post("/", summary="File a monitoring report for a period of a registered project")
    async def file(
        self,
        project_id: str,
        data: ReportIn,
        uow: UnitOfWork,
        actor: Actor,
        principal: Principal,
        now: datetime,
    ) -> ReportOut:
        report = await monitoring.file_report(
            uow, actor, org_of(principal), project_id, period_start=data.period_start,
            period_end=data.period_end, claimed_t=data.claimed_t, data=data.data, now=now,
        )  # fmt: skip
        return report_out(report)

    @get("/", summary="The project's monitoring reports")
    async def list_reports(
        self,
        project_id: str,
        uow: UnitOfWork,
        principal: Principal,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
    ) -> Page[ReportOut]:
        project = await drafts.own(uow, org_of(principal), project_id)
        rows = await uow.projects.reports(project_id=project.id, after=cursor, limit=limit + 1)
        return page_of([report_out(r) for r in rows], limit, lambda r: r.report_id)


CONTROLLERS: list[type] = [OrgProjectController, OrgReportController]
