"""/v1/admin/certificate-keys: rotate the key that signs retirement certificates (admins).

Older keys stay published at /v1/public/certificate-keys: certificates are kept for years."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, get, post

from api.public.certificates import CertificateKeyOut
from api.security.auth import staff_guard
from api.services import Services
from domain.certificates import keys
from domain.certificates.keys import CertificateKeyInfo
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.persistence.uow import UnitOfWork

ADMIN = staff_guard(Role.ADMIN)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)


def _out(key: CertificateKeyInfo) -> CertificateKeyOut:
    return CertificateKeyOut(key.key_id, "Ed25519", key.public_key, key.active, key.created_at)


class AdminCertificateKeyController(Controller):
    path = "/v1/admin/certificate-keys"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @get("/", guards=[READ], summary="The certificate keys, oldest first (one active)")
    async def list_keys(
        self, uow: UnitOfWork, services: Services, now: datetime
    ) -> list[CertificateKeyOut]:
        return [_out(k) for k in await keys.public_keys(uow, services.protector, now)]

    @post("/", guards=[ADMIN], summary="Rotate: a new active key; the old ones keep verifying")
    async def rotate(
        self, uow: UnitOfWork, services: Services, actor: Actor, now: datetime
    ) -> CertificateKeyOut:
        return _out(await keys.rotate(uow, services.protector, actor, now))
