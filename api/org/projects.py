"""/v1/org/projects: drafts, documents and submission, scoped by the caller's organisation
(another organisation's project is 404)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, Response, get, patch, post
from litestar.enums import RequestEncodingType
from litestar.params import Body

from api.org.project_schemas import (
    UPLOAD_CEILING,
    DocumentOut,
    DocumentUpload,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
    document_out,
    file_response,
    project_out,
)
from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from api.services import Services
from api.verifier.reports import org_of
from domain.files.uploads import media_type
from domain.governance.audit import Actor
from domain.identity.principal import Principal, Role
from domain.persistence.uow import UnitOfWork
from domain.projects import documents, drafts, validation

ORG = staff_guard(Role.ORG)


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


CONTROLLERS: list[type] = [OrgProjectController]
