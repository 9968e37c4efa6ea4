from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

from api.schemas import Text128
from domain.identity.principal import Role
from domain.operators.service import OperatorKind


class OperatorCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Text128
    kind: OperatorKind


class OperatorOut(msgspec.Struct):
    operator_id: str
    name: str
    kind: str
    active: bool
    created_at: datetime


class KeyOut(msgspec.Struct):
    key_id: str
    created_at: datetime
    revoked_at: datetime | None


class OperatorDetail(OperatorOut):
    keys: list[KeyOut]


class IssuedKeyOut(msgspec.Struct):
    key_id: str
    secret: str
    note: str = "the secret is shown only now; store it safely"


class OperatorCreated(OperatorOut):
    key: IssuedKeyOut


class KeyRotate(msgspec.Struct, forbid_unknown_fields=True):
    revoke_others: bool = False


class StaffCreate(msgspec.Struct, forbid_unknown_fields=True):
    username: Text128
    password: Text128
    role: Role
    merchant_id: str | None = None
    store_id: str | None = None


class StaffUpdate(msgspec.Struct, forbid_unknown_fields=True):
    active: bool


class StaffOut(msgspec.Struct):
    staff_id: str
    username: str
    role: str
    merchant_id: str | None
    store_id: str | None
    active: bool
    created_at: datetime


class MerchantCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Text128


class MerchantOut(msgspec.Struct):
    merchant_id: str
    name: str
    status: str  # pending | approved | rejected | suspended
    contact_name: str | None
    contact_phone: str | None
    address: str | None
    decided_at: datetime | None
    created_at: datetime


class StoreIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Text128
    address: Annotated[str, msgspec.Meta(max_length=256)] | None = None
    district: Annotated[str, msgspec.Meta(max_length=32)] | None = None  # GET /v1/public/districts


class StoreOut(msgspec.Struct):
    store_id: str
    merchant_id: str
    name: str
    address: str | None
    created_at: datetime
    district: str | None = None


class AuditOut(msgspec.Struct):
    audit_id: str
    actor_id: str
    actor_role: str
    action: str
    target_type: str
    target_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
    created_at: datetime
