"""A project's documents: uploaded by its organisation while a draft, read back by the owner and
by staff. A document names a stored file by its SHA-256; the same bytes are stored once."""

from __future__ import annotations

from datetime import datetime

from domain.errors import Conflict, InvalidInput, NotFound
from domain.files.uploads import store
from domain.governance.audit import Actor, record
from domain.ids import new_id
from domain.persistence.tables import Project, ProjectDocument, StoredFile
from domain.persistence.uow import UnitOfWork
from domain.projects.drafts import own

MAX_DOCUMENTS = 50


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 200 or any(ch in name for ch in "\x00/\\\r\n"):
        raise InvalidInput(
            "name: 1 to 200 characters, without slashes or line breaks",
            code="invalid_document_name",
            field="name",
        )
    return name


async def _attach(
    uow: UnitOfWork, actor: Actor, project: Project, name: str, sha256: str, now: datetime
) -> ProjectDocument:
    if project.status != "draft":
        raise Conflict(f"the project is {project.status}, not a draft", code="not_a_draft")
    if len(await uow.projects.documents(project.id)) >= MAX_DOCUMENTS:
        raise Conflict(f"a project holds at most {MAX_DOCUMENTS} documents", code="too_many")
    document = ProjectDocument(
        id=new_id(), project_id=project.id, name=name, sha256=sha256, created_at=now
    )
    uow.projects.add(document)
    record(
        uow,
        actor,
        "project.document",
        "project",
        project.id,
        None,
        {"document_id": document.id, "name": name, "sha256": sha256},
        now,
    )
    return document


async def upload(
    uow: UnitOfWork,
    actor: Actor,
    org_id: str,
    project_id: str,
    *,
    name: str,
    content: bytes,
    content_type: str,
    max_bytes: int,
    now: datetime,
) -> tuple[ProjectDocument, StoredFile]:
    project = await own(uow, org_id, project_id, lock=True)
    name = _check_name(name)
    if project.status != "draft":
        raise Conflict(f"the project is {project.status}, not a draft", code="not_a_draft")
    stored = await store(uow, content, content_type, max_bytes=max_bytes, now=now)
    return await _attach(uow, actor, project, name, stored.sha256, now), stored


async def reuse(
    uow: UnitOfWork,
    actor: Actor,
    org_id: str,
    project: Project,
    documents: list[tuple[str, str]],
    now: datetime,
) -> None:
    """Attach files the organisation uploaded to another of its projects, by (name, sha256);
    a hash it never uploaded is refused, so nobody reads another's file by guessing."""
    known = await uow.projects.org_hashes(org_id, [sha for _, sha in documents])
    for i, (name, sha256) in enumerate(documents):
        if sha256 not in known:
            raise InvalidInput(
                f"documents[{i}].sha256 is not a file of your organisation's projects; "
                "upload it to the project instead",
                code="unknown_document",
                field=f"documents[{i}].sha256",
            )
        await _attach(uow, actor, project, _check_name(name), sha256, now)


async def download(
    uow: UnitOfWork, project_id: str, document_id: str, *, org_id: str | None
) -> tuple[ProjectDocument, StoredFile]:
    """A document's file: the owner's (org_id given) or any project's (staff, org_id None)."""
    if await uow.projects.get(project_id, org_id=org_id) is None:
        raise NotFound("no such project", code="project_not_found")
    found = await uow.projects.document_file(project_id, document_id)
    if found is None:
        raise NotFound("no such document", code="document_not_found")
    return found
