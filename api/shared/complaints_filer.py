"""The filer's endpoints, the same for citizens (/v1/me/complaints) and merchants
(/v1/merchant/complaints): each audience's controller subclasses this and says who files."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body

from api import cursors
from api.schemas import CURSOR, LIMIT, Page, page_of
from api.services import Services
from api.shared.complaints import (
    UPLOAD_CEILING,
    AttachmentOut,
    AttachmentUpload,
    ComplaintIn,
    ComplaintOut,
    RatingIn,
    attachment_out,
    file_response,
    filer_out,
)
from domain.errors import InvalidInput
from domain.files.uploads import media_type
from domain.governance import complaints
from domain.governance.complaints import Filer, SlaDays
from domain.identity.principal import Principal
from domain.persistence.uow import UnitOfWork


async def anchor(uow: UnitOfWork, cursor: str | None) -> tuple[datetime, str] | None:
    """The (filed_at, id) of the last complaint of the previous page; cursors name its id."""
    last_id = cursors.decode_id(cursor)
    if last_id is None:
        return None
    last = await uow.complaints.get(last_id)
    if last is None:
        raise InvalidInput("cursor is not one we issued", code="invalid_cursor")
    return last.filed_at, last.id


def sla_days(services: Services) -> SlaDays:
    s = services.settings
    return SlaDays(response=s.complaint_response_days, resolution=s.complaint_resolution_days)


class FilerComplaintController(Controller):
    """Subclasses set `path`, `tags`, `guards` and `filer_of`."""

    security = [{"BearerToken": []}]

    @staticmethod
    def filer_of(principal: Principal) -> Filer:  # pragma: no cover - overridden
        raise NotImplementedError

    @post("/", status_code=201, summary="File a complaint (SLA clocks start now)")
    async def file(
        self,
        data: ComplaintIn,
        uow: UnitOfWork,
        principal: Principal,
        services: Services,
        now: datetime,
    ) -> ComplaintOut:
        c = await complaints.file(
            uow,
            self.filer_of(principal),
            category=data.category,
            ref_type=data.ref_type,
            ref_id=data.ref_id,
            text=data.text,
            days=sla_days(services),
            now=now,
        )
        await uow.flush()
        return filer_out(c, await uow.complaints.steps(c.id), [])

    @get("/", summary="Your complaints with their steps, newest first")
    async def list_complaints(
        self, uow: UnitOfWork, principal: Principal, limit: int = LIMIT, cursor: str | None = CURSOR
    ) -> Page[ComplaintOut]:
        filer = self.filer_of(principal)
        before = await anchor(uow, cursor)
        rows = await uow.complaints.of_filer(filer.type, filer.id, before=before, limit=limit + 1)
        steps = await uow.complaints.steps_of([c.id for c in rows])
        return page_of(
            [filer_out(c, steps[c.id]) for c in rows],
            limit,
            lambda o: cursors.encode(o.complaint_id),
        )

    @get("/{complaint_id:str}", summary="One of your complaints: steps and attachments")
    async def show(self, complaint_id: str, uow: UnitOfWork, principal: Principal) -> ComplaintOut:
        return filer_out(*await complaints.view(uow, self.filer_of(principal), complaint_id))

    @post(
        "/{complaint_id:str}/attachments",
        status_code=201,
        request_max_body_size=UPLOAD_CEILING,
        summary="Attach a file (multipart: `file`, optional `name`); stored once by SHA-256",
    )
    async def attach(
        self,
        complaint_id: str,
        data: Annotated[AttachmentUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
        uow: UnitOfWork,
        principal: Principal,
        services: Services,
        now: datetime,
    ) -> AttachmentOut:
        row, stored = await complaints.attach(
            uow,
            self.filer_of(principal),
            complaint_id,
            name=data.name or data.file.filename or "",
            content=await data.file.read(),
            content_type=media_type(data.file.content_type),
            max_bytes=services.settings.upload_max_bytes,
            now=now,
        )
        return attachment_out(row, stored.size, stored.content_type)

    @get("/{complaint_id:str}/attachments/{attachment_id:str}", summary="An attached file")
    async def download(
        self, complaint_id: str, attachment_id: str, uow: UnitOfWork, principal: Principal
    ) -> Response[bytes]:
        filer = self.filer_of(principal)
        return file_response(*await complaints.attachment(uow, complaint_id, attachment_id, filer))

    @post(
        "/{complaint_id:str}/rating",
        status_code=201,
        summary="Rate the outcome 1..5 (optional comment), once, after the resolution",
    )
    async def rate(
        self,
        complaint_id: str,
        data: RatingIn,
        uow: UnitOfWork,
        principal: Principal,
        now: datetime,
    ) -> ComplaintOut:
        filer = self.filer_of(principal)
        await complaints.rate(
            uow, filer, complaint_id, score=data.score, comment=data.comment, now=now
        )
        await uow.flush()
        return filer_out(*await complaints.view(uow, filer, complaint_id))
