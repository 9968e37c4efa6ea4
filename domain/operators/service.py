"""Operators and their HMAC keys. A secret is returned once, at creation; stored encrypted."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import msgspec

from domain.crypto import DataProtector, random_secret
from domain.errors import InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.ids import new_id
from domain.operators.signing import BadSignature
from domain.persistence.tables import Operator, OperatorKey
from domain.persistence.uow import UnitOfWork


class OperatorKind(StrEnum):
    METRO = "metro"
    BIKESHARE = "bikeshare"
    BUS = "bus"
    EXCHANGE = "exchange"  # the public resource trading centre: settles deals, has no feed


class IssuedKey(msgspec.Struct, frozen=True):
    key_id: str
    secret: str  # shown once


def _new_key(
    uow: UnitOfWork, protector: DataProtector, operator_id: str, now: datetime
) -> IssuedKey:
    key_id = f"key_{new_id()}"
    secret = random_secret(32)
    uow.operators.add(
        OperatorKey(
            id=key_id,
            operator_id=operator_id,
            secret_encrypted=protector.encrypt(secret),
            created_at=now,
        )
    )
    return IssuedKey(key_id=key_id, secret=secret)


async def create(
    uow: UnitOfWork,
    protector: DataProtector,
    actor: Actor,
    *,
    name: str,
    kind: OperatorKind,
    now: datetime,
) -> tuple[Operator, IssuedKey]:
    name = name.strip()
    if not name or len(name) > 128:
        raise InvalidInput("name must be 1 to 128 characters", code="invalid_name")
    operator = Operator(id=new_id(), name=name, kind=kind.value, active=True, created_at=now)
    uow.operators.add(operator)
    await uow.flush()
    key = _new_key(uow, protector, operator.id, now)
    record(
        uow,
        actor,
        "operator.create",
        "operator",
        operator.id,
        None,
        {"name": name, "kind": kind.value, "key_id": key.key_id},
        now,
    )
    return operator, key


async def rotate_key(
    uow: UnitOfWork,
    protector: DataProtector,
    actor: Actor,
    operator_id: str,
    *,
    revoke_others: bool,
    now: datetime,
) -> IssuedKey:
    operator = await uow.operators.get(operator_id)
    if operator is None:
        raise NotFound("no such operator", code="operator_not_found")
    old = await uow.operators.active_keys(operator_id)
    key = _new_key(uow, protector, operator_id, now)
    if revoke_others:
        for k in old:
            k.revoked_at = now
    record(
        uow,
        actor,
        "operator.key.rotate",
        "operator",
        operator_id,
        {"active_keys": [k.id for k in old]},
        {"new_key": key.key_id, "revoked": [k.id for k in old] if revoke_others else []},
        now,
    )
    return key


async def revoke_key(
    uow: UnitOfWork, actor: Actor, operator_id: str, key_id: str, now: datetime
) -> OperatorKey:
    key = await uow.operators.key(key_id)
    if key is None or key.operator_id != operator_id:
        raise NotFound("no such key", code="key_not_found")
    if key.revoked_at is None:
        key.revoked_at = now
        record(
            uow,
            actor,
            "operator.key.revoke",
            "operator_key",
            key_id,
            {"revoked_at": None},
            {"revoked_at": now.isoformat()},
            now,
        )
    return key


async def signing_secret(
    uow: UnitOfWork, protector: DataProtector, operator_id: str, key_id: str
) -> tuple[Operator, str]:
    """The operator a live key belongs to, checked against the operator in the path."""
    key = await uow.operators.key(key_id)
    if key is None or key.revoked_at is not None or key.operator_id != operator_id:
        raise BadSignature("unknown, revoked or foreign key", code="bad_key")
    operator = await uow.operators.get(operator_id)
    if operator is None or not operator.active:
        raise BadSignature("unknown, revoked or foreign key", code="bad_key")
    return operator, protector.decrypt(key.secret_encrypted)
