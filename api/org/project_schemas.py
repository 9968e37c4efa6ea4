"""The structs of /v1/org/projects (staff read the same project view under /v1/admin)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import quote

import msgspec
from litestar import Response
from litestar.datastructures import UploadFile

from domain.persistence.tables import Project, ProjectDocument, StoredFile
from domain.projects import validation

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
