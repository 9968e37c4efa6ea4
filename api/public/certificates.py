"""/v1/public/retirements/{id}/certificate.json and .pdf, and the keys that verify them.

The JSON answer is `domain.certificates.issue.SignedCertificate` as it is: its `document` is
exactly what was signed, so no second shape may drift from it.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import Controller, Response, get

from api.services import Services
from domain.certificates import keys
from domain.certificates.issue import SignedCertificate, certificate_pdf, signed_certificate
from domain.persistence.uow import UnitOfWork

VERIFY = (
    "Encode `document` as UTF-8 JSON with sorted keys and no whitespace; check the Ed25519 "
    "`signature` (standard base64) over those bytes with the key `key_id` from "
    "GET /v1/public/certificate-keys, or run `puhui verify-certificate FILE`."
)


class CertificateKeyOut(msgspec.Struct):
    key_id: str
    algorithm: str
    public_key: str  # standard base64 of the raw 32-byte Ed25519 public key
    active: bool  # the key signing new certificates; the others still verify theirs
    created_at: datetime


class CertificateKeysOut(msgspec.Struct):
    keys: list[CertificateKeyOut]
    verification: str = VERIFY


class CertificatesController(Controller):
    path = "/v1/public"
    tags = ["public"]

    @get(
        "/retirements/{retirement_id:str}/certificate.json",
        summary="A retired retirement's certificate, signed (Ed25519)",
        description=VERIFY + " 404 unless the retirement is retired (not pending, not released).",
    )
    async def certificate_json(
        self, retirement_id: str, uow: UnitOfWork, services: Services, now: datetime
    ) -> SignedCertificate:
        return await signed_certificate(
            uow, services.protector, retirement_id, services.settings.public_base_url, now
        )

    @get(
        "/retirements/{retirement_id:str}/certificate.pdf",
        summary="A retired retirement's certificate as a PDF (Chinese and English, QR code)",
        media_type="application/pdf",
    )
    async def certificate_pdf(
        self, retirement_id: str, uow: UnitOfWork, services: Services, now: datetime
    ) -> Response[bytes]:
        pdf = await certificate_pdf(
            uow, services.protector, retirement_id, services.settings.public_base_url, now
        )
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="certificate-{retirement_id}.pdf"'},
        )

    @get("/certificate-keys", summary="Every key that verifies retirement certificates")
    async def certificate_keys(
        self, uow: UnitOfWork, services: Services, now: datetime
    ) -> CertificateKeysOut:
        listed = await keys.public_keys(uow, services.protector, now)
        return CertificateKeysOut(
            keys=[
                CertificateKeyOut(
                    key_id=k.key_id,
                    algorithm="Ed25519",
                    public_key=k.public_key,
                    active=k.active,
                    created_at=k.created_at,
                )
                for k in listed
            ]
        )


CONTROLLERS: list[type] = [CertificatesController]
