"""Use cases: the signed JSON and the PDF of a retired retirement (404 for anything else)."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime

import msgspec

from domain.certificates import keys, signing
from domain.certificates.document import (
    CertificateDocument,
    EventRef,
    RetiredUnits,
    build_document,
    event_url,
    iso_utc,
    project_codes,
)
from domain.certificates.pdf import render_pdf
from domain.crypto import DataProtector
from domain.errors import NotFound
from domain.persistence.uow import UnitOfWork

_ID = re.compile(r"[0-9A-Za-z]{1,40}")


class SignedCertificate(msgspec.Struct, frozen=True, kw_only=True):
    """The document, and the signature over its canonical bytes (see signing.py)."""

    document: CertificateDocument
    canonical_sha256: str
    algorithm: str
    key_id: str
    signature: str


class NotRetired(NotFound):
    """No retired retirement has this id (unknown, still pending, or released)."""

    code = "retirement_not_found"


async def retired_document(
    uow: UnitOfWork, retirement_id: str, base_url: str
) -> CertificateDocument:
    """The certificate document of a retirement that is final; NotRetired otherwise."""
    row = await uow.certificates.retirement(retirement_id) if _ID.fullmatch(retirement_id) else None
    if row is None or row.status != "retired" or row.retired_at is None:
        raise NotRetired(f"no retired retirement {retirement_id!r}")
    units = RetiredUnits(
        retirement_id=row.id,
        beneficiary=row.beneficiary,
        purpose=row.purpose,
        details=row.details or "",
        quantity=row.quantity,
        serial_ranges=list(row.serial_ranges),
        retired_at=row.retired_at,
    )
    titles = await uow.certificates.project_titles(project_codes(units.serial_ranges))
    event = await _event(uow, row.id, base_url) if row.purpose == "event" else None
    return build_document(units, titles, base_url, event)


async def _event(uow: UnitOfWork, retirement_id: str, base_url: str) -> EventRef | None:
    """The carbon-neutral event the retirement was made for (None for one retired directly)."""
    event = await uow.carbon_events.of_retirement(retirement_id)
    if event is None:
        return None
    return EventRef(
        event_id=event.id,
        name=event.name,
        organiser=await uow.carbon_events.organiser(event.org_id),
        starts_at=iso_utc(event.starts_at),
        ends_at=iso_utc(event.ends_at),
        venue=event.venue,
        footprint_kg=event.footprint_kg,
        factor_set=event.factor_set_code,
        factor_set_version=event.factor_set_version,
        tonnes_required=event.tonnes_required,
        page_url=event_url(base_url, event.id),
    )


async def signed_certificate(
    uow: UnitOfWork, protector: DataProtector, retirement_id: str, base_url: str, now: datetime
) -> SignedCertificate:
    """The retirement's certificate, signed by the active certificate key."""
    document = await retired_document(uow, retirement_id, base_url)
    key_id, private = await keys.signer(uow, protector, now)
    data = signing.canonical(document)
    return SignedCertificate(
        document=document,
        canonical_sha256=signing.digest(data),
        algorithm=signing.ALGORITHM,
        key_id=key_id,
        signature=signing.sign(private, data),
    )


async def certificate_pdf(
    uow: UnitOfWork, protector: DataProtector, retirement_id: str, base_url: str, now: datetime
) -> bytes:
    """The retirement's PDF certificate (laid out off the event loop: it takes a moment)."""
    document = await retired_document(uow, retirement_id, base_url)
    key_id, _ = await keys.signer(uow, protector, now)
    return await asyncio.to_thread(render_pdf, document, key_id)
